package dev.gantry.gateway.cache;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A request's {@code Accept-Encoding} (RFC 9110 §12.5.3): each coding with its weight. A coding
 * not named is weighted as {@code *} when that is named, else refused — except {@code identity},
 * which is acceptable unless refused by name ({@code identity;q=0}) or by {@code *;q=0} without
 * a more specific entry.
 * {@code x-gzip} counts as {@code gzip}. Weights are kept in thousandths, as the grammar allows.
 *
 * @param weights   coding (lower case) to weight in thousandths, for every coding the field names
 * @param present   whether the request had the field at all
 */
record AcceptEncoding(Map<String, Integer> weights, boolean present) {
  static final String IDENTITY = "identity";
  private static final int MAX_ELEMENTS = 32;

  static AcceptEncoding parse(List<String> lines) {
    Map<String, Integer> weights = new TreeMap<>();
    int elements = 0;
    for (String line : lines) {
      for (String element : line.split(",")) {
        if (++elements > MAX_ELEMENTS) {
          break; // a list this long is not a browser's: the first ones decide
        }
        String[] parts = element.split(";");
        String coding = parts[0].trim().toLowerCase(Locale.ROOT);
        if (coding.isEmpty()) {
          continue;
        }
        if (coding.equals("x-gzip")) {
          coding = "gzip";
        }
        int weight = 1000;
        for (int i = 1; i < parts.length; i++) {
          String param = parts[i].trim();
          if (param.length() > 2 && (param.charAt(0) == 'q' || param.charAt(0) == 'Q') && param.charAt(1) == '=') {
            weight = qvalue(param.substring(2).trim());
          }
        }
        if (weight >= 0) {
          weights.merge(coding, weight, Math::max);
        }
      }
    }
    return new AcceptEncoding(java.util.Collections.unmodifiableMap(weights), !lines.isEmpty());
  }

  /** RFC 9110 §12.4.2: {@code 0[.ddd]} or {@code 1[.000]}, as thousandths; -1 when malformed (the element is ignored). */
  static int qvalue(String text) {
    if (!text.matches("0(\\.\\d{0,3})?|1(\\.0{0,3})?")) {
      return -1;
    }
    if (text.charAt(0) == '1') {
      return 1000;
    }
    String digits = text.length() > 2 ? text.substring(2) : "";
    return digits.isEmpty() ? 0 : Integer.parseInt((digits + "00").substring(0, 3));
  }

  /** The weight of {@code coding} for this request, in thousandths (0: refused). */
  int weight(String coding) {
    Integer named = weights.get(coding);
    if (named != null) {
      return named;
    }
    Integer star = weights.get("*");
    if (coding.equals(IDENTITY)) {
      return star != null ? star : 1000;
    }
    return star == null ? 0 : star;
  }

  /**
   * The coding to send among {@code offered} (in the server's order of preference): the one of
   * highest weight, the earlier on a tie, unless {@code identity} — named, or covered by
   * {@code *} — weighs more; an identity the field does not mention is the fallback, not a rival.
   * Without the field, identity (a client that says nothing gets the body as it is, as browsers
   * expect). When every coding, identity included, is refused, identity all the same: a gateway
   * does not fail a request for it.
   */
  String choose(List<String> offered) {
    if (!present) {
      return IDENTITY;
    }
    String best = IDENTITY;
    int bestWeight = 0;
    for (String coding : offered) {
      int w = weight(coding);
      if (w > bestWeight) {
        best = coding;
        bestWeight = w;
      }
    }
    boolean identityRivals = weights.containsKey(IDENTITY) || weights.containsKey("*");
    return bestWeight > 0 && (!identityRivals || bestWeight >= weight(IDENTITY)) ? best : IDENTITY;
  }

  /** One spelling for every field that means the same: the cache's variant key (order and spaces do not matter). */
  String canonical() {
    if (!present) {
      return "";
    }
    StringBuilder text = new StringBuilder("ae:");
    weights.forEach((coding, weight) -> text.append(coding).append('=').append(weight).append(';'));
    return text.toString();
  }
}
