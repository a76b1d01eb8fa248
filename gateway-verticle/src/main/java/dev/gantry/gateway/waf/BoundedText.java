package dev.gantry.gateway.waf;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A value as a regular expression sees it, counting every character the engine reads: Java's
 * engine backtracks without limit, and one crafted value (a run of newlines, of combining marks
 * before a {@code \b}) could otherwise hold an event loop for seconds. Past the budget the search
 * stops with {@link Exhausted}, which the WAF treats as a match — a value it could not finish
 * reading is refused, never passed.
 */
final class BoundedText implements CharSequence {
  /** Characters read per character of the value, on top of {@link #BASE}: generous for any sane pattern. */
  static final int PER_CHAR = 256;
  static final int BASE = 100_000;

  private final String text;
  private final int offset;
  private final int length;
  private final int[] left;

  private BoundedText(String text, int offset, int length, int[] left) {
    this.text = text;
    this.offset = offset;
    this.length = length;
    this.left = left;
  }

  /**
   * The first match of {@code pattern} in {@code value}, or null; {@link Exhausted} past the budget.
   * Also {@link Exhausted} when the search ran out of stack: Java's engine recurses once per
   * repetition of a group, so a few thousand repetitions in a value of a few KB (a cookie of
   * {@code a.a.a.…} against a dotted-name pattern) overflow an event loop's stack. That is the
   * client's input, refused like any value too costly to read, never an error of the gateway's.
   */
  static String find(Pattern pattern, String value) {
    int[] budget = {BASE + PER_CHAR * Math.min(value.length(), 1 << 24)};
    Matcher m = pattern.matcher(new BoundedText(value, 0, value.length(), budget));
    try {
      return m.find() ? m.group() : null;
    } catch (StackOverflowError e) {
      throw Exhausted.INSTANCE;
    }
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public char charAt(int index) {
    if (--left[0] < 0) {
      throw Exhausted.INSTANCE;
    }
    return text.charAt(offset + index);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return new BoundedText(text, offset + start, end - start, left);
  }

  @Override
  public String toString() {
    return text.substring(offset, offset + length);
  }

  /** The search read more than its budget. Preallocated: it carries no stack. */
  static final class Exhausted extends RuntimeException {
    static final Exhausted INSTANCE = new Exhausted();

    private Exhausted() {
      super("the pattern read more of the value than its budget allows", null, false, false);
    }
  }
}
