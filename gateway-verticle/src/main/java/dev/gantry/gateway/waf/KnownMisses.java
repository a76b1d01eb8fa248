package dev.gantry.gateway.waf;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which of a {@link RuleSet}'s conditions a value's text is known not to match, remembered across
 * requests: most of a request's values (User-Agent, Accept, a session's cookies, the Referer)
 * repeat from request to request, and running every rule's transforms and operators on them again
 * is most of the WAF's cost.
 *
 * <p>Safe because a condition's outcome depends on the value's text alone: its transforms and its
 * operator are functions of the text (neither sees the field's name, its collection or the rest of
 * the request), and where a condition looks is decided before its outcome is asked for. Only "no
 * match" is kept: a match is found again, for the excerpt its hit names, and a value too costly to
 * read ({@link BoundedText.Exhausted}) counts as a match, so it is never kept either.
 *
 * <p>Keyed by the raw text, as {@link WafRequest} holds it, of values up to {@link #MAX_LENGTH}
 * characters; each entry is a bitset with one bit per condition. Bounded: past {@link #MAX_ENTRIES}
 * entries the map starts over, so an attacker sending ever new values only costs the memo, never
 * the heap. At most about {@code MAX_ENTRIES × (2 × MAX_LENGTH + conditions / 8 + 100)} bytes
 * (a 1,024-character key takes 1 KiB as Latin-1, 2 KiB otherwise): under 18 MiB per policy with
 * the default rules, and far less for real traffic, whose values are short.
 *
 * <p>Thread-safe: a stored bitset is never changed; what a request learns goes into a new array
 * that replaces it. Two requests learning about one value at once may lose one's bits, which then
 * are only unknown again.
 */
final class KnownMisses {
  static final int MAX_ENTRIES = 8_192;
  static final int MAX_LENGTH = 1_024;
  /** What is known of a value not in the memo (or too long for it): nothing. */
  static final long[] NOTHING = new long[0];

  private final Map<String, long[]> misses = new ConcurrentHashMap<>();

  /** Whether a value's text is short enough to be remembered. */
  static boolean keeps(String text) {
    return text.length() <= MAX_LENGTH;
  }

  /** The conditions {@code text} is known not to match, as bits (read-only), or {@link #NOTHING}. */
  long[] of(String text) {
    if (!keeps(text)) {
      return NOTHING;
    }
    long[] bits = misses.get(text);
    return bits == null ? NOTHING : bits;
  }

  /** Replaces what is known of {@code text}; {@code bits} must include what was known and never change again. */
  void learn(String text, long[] bits) {
    if (misses.size() >= MAX_ENTRIES) {
      misses.clear(); // a flood of distinct values must not grow the heap; real ones are learnt again
    }
    misses.put(text, bits);
  }

  int size() {
    return misses.size();
  }
}
