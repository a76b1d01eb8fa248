package dev.gantry.gateway.security;

/**
 * A string as a map key whose hash does not read the whole of a long text: a request's values
 * are new strings every time, and {@link String#hashCode} walks every character of them one at a
 * time (an 800-character bearer token cost about a microsecond, once in the WAF and again as a
 * cache key). Up to {@link #FULL} characters the hash is the string's own; past that it mixes the
 * length, the first and last 16 characters and 32 spread between them. Two texts that differ only
 * elsewhere share a hash and are told apart by {@link #equals}, which compares the whole text, so a
 * key is never mistaken for another; an attacker who makes many such texts only fills one bin of
 * a map, and since keys are {@link Comparable} a crowded bin of a {@link java.util.HashMap} or
 * {@link java.util.concurrent.ConcurrentHashMap} becomes a tree (logarithmic lookups), not a list.
 */
public final class TextKey implements Comparable<TextKey> {
  /** Texts up to this length are hashed whole. */
  static final int FULL = 64;
  private static final int ENDS = 16;
  private static final int SPREAD = 32;
  private final String text;
  private final int hash;

  public TextKey(String text) {
    this.text = text;
    this.hash = hashOf(text);
  }

  static int hashOf(String s) {
    int n = s.length();
    if (n <= FULL) {
      return s.hashCode();
    }
    int h = n;
    for (int i = 0; i < ENDS; i++) {
      h = 31 * h + s.charAt(i);
    }
    for (int i = n - ENDS; i < n; i++) {
      h = 31 * h + s.charAt(i);
    }
    int middle = n - 2 * ENDS;
    for (int k = 1; k <= SPREAD; k++) {
      h = 31 * h + s.charAt(ENDS + (int) ((long) middle * k / (SPREAD + 1)));
    }
    return h;
  }

  public String text() {
    return text;
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TextKey k && k.hash == hash && k.text.equals(text);
  }

  @Override
  public int compareTo(TextKey other) {
    return text.compareTo(other.text);
  }

  @Override
  public String toString() {
    return text;
  }
}
