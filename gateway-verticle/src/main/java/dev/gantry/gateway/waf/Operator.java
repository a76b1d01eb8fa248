package dev.gantry.gateway.waf;

import dev.gantry.gateway.spec.SpecReader;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How a rule tests a (transformed) value. {@link #find} answers the part that matched — what the
 * block log shows, never the whole value — or null.
 */
@FunctionalInterface
interface Operator {
  String find(String value);

  /** The operator names a rule file may use under {@code match:}. */
  Set<String> NAMES = Set.of("contains", "phrases", "regex", "equals", "in", "begins-with", "ends-with", "sqli",
      "xss", "byte-range", "length-over");

  /** Reads {@code match: {regex: "..."}} and its siblings; the one key names the operator. */
  static Operator read(SpecReader match) {
    match.only(NAMES);
    String path = match.path();
    String name = null;
    for (String n : NAMES) {
      if (match.has(n)) {
        if (name != null) {
          throw SpecReader.invalid(path, "one operator per condition (found " + name + " and " + n + ")");
        }
        name = n;
      }
    }
    if (name == null) {
      throw SpecReader.invalid(path, "names no operator (one of " + String.join(", ", NAMES.stream().sorted().toList())
          + ")");
    }
    Operator op = switch (name) {
      case "contains" -> contains(match.string(name));
      case "phrases" -> phrases(nonEmpty(match, name));
      case "regex" -> regex(match.string(name), match.path(name));
      case "equals" -> {
        String s = match.string(name);
        yield v -> v.equals(s) ? v : null;
      }
      case "in" -> {
        Set<String> set = Set.copyOf(nonEmpty(match, name));
        yield v -> set.contains(v) ? v : null;
      }
      case "begins-with" -> {
        String s = match.string(name);
        yield v -> v.startsWith(s) ? s : null;
      }
      case "ends-with" -> {
        String s = match.string(name);
        yield v -> v.endsWith(s) ? s : null;
      }
      case "sqli" -> flag(match, name, SqlInjection::find);
      case "xss" -> flag(match, name, CrossSiteScripting::find);
      case "byte-range" -> ByteRange.parse(match.string(name), match.path(name));
      case "length-over" -> {
        long n = match.integer(name, 0, 0, Integer.MAX_VALUE);
        yield v -> v.length() > n ? "length " + v.length() : null;
      }
      default -> throw new IllegalStateException(name);
    };
    match.done();
    return op;
  }

  private static List<String> nonEmpty(SpecReader match, String name) {
    List<String> list = match.strings(name);
    if (list.isEmpty()) {
      throw SpecReader.invalid(match.path(name), "must be a non-empty list of strings");
    }
    return list;
  }

  private static Operator flag(SpecReader match, String name, Operator op) {
    if (!match.bool(name, false)) {
      throw SpecReader.invalid(match.path(name), "must be true");
    }
    return op;
  }

  static Operator contains(String s) {
    return v -> v.contains(s) ? s : null;
  }

  /** Any of several phrases (as given: pair it with {@code lowercase} and write them lower-case). */
  static Operator phrases(List<String> phrases) {
    String[] all = phrases.toArray(String[]::new);
    return v -> {
      for (String p : all) {
        if (v.contains(p)) {
          return p;
        }
      }
      return null;
    };
  }

  static Operator regex(String regex, String path) {
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex, Pattern.DOTALL);
    } catch (PatternSyntaxException e) {
      throw SpecReader.invalid(path, "not a valid regular expression: " + e.getDescription());
    }
    return new Regex(pattern, Prefilter.of(regex));
  }

  /**
   * A regular expression, with the literals one of which any match holds (null when they could
   * not be read): values without them are passed over before the backtracking engine runs.
   */
  record Regex(Pattern pattern, Prefilter prefilter) implements Operator {
    @Override
    public String find(String value) {
      return prefilter != null && !prefilter.mayMatch(value) ? null : run(value);
    }

    /** The engine alone, for a caller that has checked the literals itself. */
    String run(String value) {
      return BoundedText.find(pattern, value);
    }
  }

  /** {@code byte-range: "1-255"} or {@code "9,10,13,32-126,128-255"}: matches a character outside. */
  record ByteRange(boolean[] allowed, boolean highAllowed) implements Operator {
    static ByteRange parse(String text, String path) {
      boolean[] allowed = new boolean[256];
      for (String part : text.split(",")) {
        String[] ends = part.trim().split("-", -1);
        try {
          int from = Integer.parseInt(ends[0].trim());
          int to = ends.length == 1 ? from : Integer.parseInt(ends[1].trim());
          if (ends.length > 2 || from < 0 || to > 255 || from > to) {
            throw new NumberFormatException();
          }
          for (int b = from; b <= to; b++) {
            allowed[b] = true;
          }
        } catch (NumberFormatException e) {
          throw SpecReader.invalid(path, "ranges of bytes 0-255 such as \"1-255\" or \"9,10,32-126\", not " + text);
        }
      }
      boolean high = true;
      for (int b = 128; b < 256; b++) {
        high &= allowed[b];
      }
      return new ByteRange(allowed, high);
    }

    @Override
    public String find(String v) {
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        // a character beyond ASCII is UTF-8 bytes 0x80-0xFF on the wire
        if (c < 0x80 ? !allowed[c] : !highAllowed) {
          return String.format(Locale.ROOT, "byte 0x%02x", (int) Math.min(c, 0xff));
        }
      }
      return null;
    }
  }
}
