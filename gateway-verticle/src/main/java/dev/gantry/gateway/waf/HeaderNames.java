package dev.gantry.gateway.waf;

import java.util.Locale;

/**
 * Header names in lower case without a new string for the usual ones: a browser sends
 * {@code User-Agent}, {@code Accept-Language} and a dozen others capitalised on every request, and
 * lower-casing each anew costs a copy and, later, its hash. A name found here is the table's own
 * string (its hash already computed); any other is lower-cased as before.
 */
final class HeaderNames {
  private static final String[] COMMON = {
      "host", "user-agent", "accept", "accept-language", "accept-encoding", "accept-charset", "referer", "origin",
      "cookie", "authorization", "content-type", "content-length", "connection", "cache-control", "pragma",
      "upgrade-insecure-requests", "if-none-match", "if-modified-since", "range", "x-requested-with",
      "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-request-id", "traceparent", "tracestate",
      "dnt", "te", "sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest", "sec-fetch-user", "sec-ch-ua",
      "sec-ch-ua-mobile", "sec-ch-ua-platform", "priority", "forwarded", "via", "expect", "transfer-encoding",
      "x-api-key", "content-encoding"};
  private static final String[] TABLE = new String[256];

  static {
    for (String name : COMMON) {
      int i = slot(name.hashCode());
      while (TABLE[i] != null) {
        i = i + 1 & TABLE.length - 1;
      }
      TABLE[i] = name;
    }
  }

  private HeaderNames() {
  }

  private static int slot(int hash) {
    return (hash ^ hash >>> 8 ^ hash >>> 16) & TABLE.length - 1;
  }

  /** {@code name} lower-cased (ASCII letters only, as {@link Locale#ROOT} does for a valid token). */
  static String lower(String name) {
    int h = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 0x80) {
        return name.toLowerCase(Locale.ROOT);
      }
      h = 31 * h + (c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    for (int i = slot(h); TABLE[i] != null; i = i + 1 & TABLE.length - 1) {
      String known = TABLE[i];
      if (known.hashCode() == h && known.length() == name.length()
          && known.regionMatches(true, 0, name, 0, name.length())) {
        return known;
      }
    }
    return name.toLowerCase(Locale.ROOT);
  }
}
