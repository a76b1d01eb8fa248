package dev.gantry.gateway.files;

import java.util.Locale;

/**
 * One byte range of a representation, from a {@code Range} field (RFC 9110 §14.1.2): the
 * {@code first} and {@code last} byte, inclusive. Only a single range is served; a list of ranges,
 * another unit or a malformed field is ignored (the whole representation is sent, as §14.2
 * allows), so a request naming thousands of ranges costs nothing.
 */
record ByteRange(long first, long last) {
  /** The field is to be ignored: send the whole representation. */
  static final ByteRange WHOLE = new ByteRange(-1, -1);
  /** No byte of the representation is in the range: 416. */
  static final ByteRange UNSATISFIABLE = new ByteRange(-2, -2);
  private static final int MAX_FIELD = 100;

  long length() {
    return last - first + 1;
  }

  /** The range {@code field} asks of a representation of {@code size} bytes. */
  static ByteRange of(String field, long size) {
    if (field == null || field.length() > MAX_FIELD) {
      return WHOLE;
    }
    String f = field.trim();
    if (!f.toLowerCase(Locale.ROOT).startsWith("bytes=")) {
      return WHOLE;
    }
    String spec = f.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0 || spec.indexOf(',') >= 0) {
      return WHOLE;
    }
    String from = spec.substring(0, dash).trim();
    String to = spec.substring(dash + 1).trim();
    if (from.isEmpty()) { // a suffix: the last n bytes
      long n = number(to);
      if (n < 0) {
        return WHOLE;
      }
      return n == 0 || size == 0 ? UNSATISFIABLE : new ByteRange(Math.max(0, size - n), size - 1);
    }
    long first = number(from);
    long last = to.isEmpty() ? Long.MAX_VALUE : number(to);
    if (first < 0 || last < 0 || last < first) {
      return WHOLE; // invalid: ignored, not refused
    }
    if (first >= size) {
      return UNSATISFIABLE;
    }
    return new ByteRange(first, Math.min(last, size - 1));
  }

  /** Digits only, at most 18 of them (no sign, no overflow); -1 otherwise. */
  private static long number(String digits) {
    if (digits.isEmpty() || digits.length() > 18) {
      return -1;
    }
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(digits);
  }
}
