package dev.gantry.gateway.waf;

import dev.gantry.gateway.security.NodeBudget;
import dev.gantry.gateway.security.TextKey;
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
 * <p>Keyed by the raw text, as {@link WafRequest} holds it (a {@link TextKey}: a long value is not hashed whole), of values up to {@link #MAX_LENGTH}
 * characters; each entry is a bitset with one bit per condition. Bounded twice, so that an
 * attacker sending ever new values only costs the memo, never the heap: past {@link #MAX_ENTRIES}
 * entries a memo starts over; and all the memos of the process (one per {@code waf} policy: a node
 * with fifty WAF routes has fifty) are cleared together once the entries stored since the last
 * such clear pass {@link #NODE_BUDGET} accounted bytes (each counted as twice its length plus
 * {@link #ENTRY_OVERHEAD}); what is stored since is an upper bound on what they hold, memos of
 * replaced specs included until they are collected. So at most about 16 MiB for the whole node, however many policies; real traffic, whose
 * values are short and repeat, needs a few hundred KiB per policy.
 *
 * <p>Thread-safe: a stored bitset is never changed; what a request learns goes into a new array
 * that replaces it. Two requests learning about one value at once may lose one's bits, which then
 * are only unknown again.
 */
final class KnownMisses {
  static final int MAX_ENTRIES = 8_192;
  static final int MAX_LENGTH = 1_024;
  /** Accounted bytes all memos of the process may store between two clears of them all. */
  static final long NODE_BUDGET = 16L << 20;
  /** An entry's map node, key object and bitset, roughly, beside its characters. */
  static final int ENTRY_OVERHEAD = 200;
  /** What is known of a value not in the memo (or too long for it): nothing. */
  static final long[] NOTHING = new long[0];
  /** All memos of the node: cleared together once they stored {@link #NODE_BUDGET} accounted bytes. */
  private static final NodeBudget<KnownMisses> NODE = new NodeBudget<>(NODE_BUDGET, memo -> memo.misses.clear());

  private final Map<TextKey, long[]> misses = new ConcurrentHashMap<>();

  KnownMisses() {
    NODE.register(this);
  }

  /** Whether a value's text is short enough to be remembered. */
  static boolean keeps(String text) {
    return text.length() <= MAX_LENGTH;
  }

  static long cost(String text) {
    return 2L * text.length() + ENTRY_OVERHEAD;
  }

  /** The conditions {@code text} is known not to match, as bits (read-only), or {@link #NOTHING}. */
  long[] of(TextKey text) {
    if (!keeps(text.text())) {
      return NOTHING;
    }
    long[] bits = misses.get(text);
    return bits == null ? NOTHING : bits;
  }

  /** Replaces what is known of {@code text}; {@code bits} must include what was known and never change again. */
  void learn(TextKey text, long[] bits) {
    if (misses.size() >= MAX_ENTRIES) {
      misses.clear(); // a flood of distinct values must not grow the heap; real ones are learnt again
    }
    if (misses.put(text, bits) == null) {
      NODE.spend(cost(text.text()));
    }
  }

  int size() {
    return misses.size();
  }

  /** Accounted bytes stored by all memos since they were last cleared together (for tests). */
  static long nodeStored() {
    return NODE.stored();
  }
}
