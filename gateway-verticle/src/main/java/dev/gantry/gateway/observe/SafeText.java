package dev.gantry.gateway.observe;

/**
 * Text from a request made safe to write into a log line or a console: control characters,
 * backslashes and anything outside printable ASCII become {@code \xNN} (or {@code \\uNNNN}), so no
 * request can end a log line early, forge the next one or smuggle terminal escapes.
 */
public final class SafeText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  static final int MAX = 2048;

  private SafeText() {}

  /** {@code value} escaped and cut to {@value #MAX} characters; null stays null. */
  public static String of(String value) {
    if (value == null) {
      return null;
    }
    int n = Math.min(value.length(), MAX);
    int i = 0;
    while (i < n && printable(value.charAt(i))) {
      i++;
    }
    if (i == value.length()) {
      return value; // the usual case: nothing to escape, nothing copied
    }
    StringBuilder out = new StringBuilder(n + 16).append(value, 0, i);
    for (; i < n; i++) {
      char c = value.charAt(i);
      if (printable(c)) {
        out.append(c);
      } else if (c <= 0xFF) {
        out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      } else {
        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF])
            .append(HEX[c & 0xF]);
      }
    }
    if (value.length() > n) {
      out.append("...");
    }
    return out.toString();
  }

  private static boolean printable(char c) {
    return c >= 0x20 && c < 0x7F && c != '\\';
  }
}
