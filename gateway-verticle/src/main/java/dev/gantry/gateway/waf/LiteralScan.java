package dev.gantry.gateway.waf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every rule's literals of one transform chain in one Aho–Corasick automaton: one pass over a
 * value tells which conditions' literals it holds, instead of one scan per rule. A condition
 * whose bit stays clear cannot match and its regex is not run.
 */
final class LiteralScan {
  private final int[] asciiClass = new int[128];
  private final Map<Character, Integer> otherClass = new HashMap<>();
  private final int alphabet;
  private final int words;
  /** delta[state * alphabet + class]: the full automaton, failure links folded in. */
  private final int[] delta;
  /** Per state, the conditions whose literal ends there (or at a suffix of it), or null. */
  private final long[][] output;

  /** @param literals per condition bit, its literals */
  LiteralScan(Map<Integer, ? extends java.util.Collection<String>> literals, int conditions) {
    words = (conditions + 63) / 64;
    int next = 1; // class 0: a character no literal holds
    for (java.util.Collection<String> set : literals.values()) {
      for (String l : set) {
        for (char c : l.toCharArray()) {
          if (c < 128 ? asciiClass[c] == 0 : !otherClass.containsKey(c)) {
            if (c < 128) {
              asciiClass[c] = next++;
            } else {
              otherClass.put(c, next++);
            }
          }
        }
      }
    }
    alphabet = next;
    List<int[]> trie = new ArrayList<>();
    List<long[]> out = new ArrayList<>();
    trie.add(new int[alphabet]);
    out.add(null);
    for (Map.Entry<Integer, ? extends java.util.Collection<String>> e : literals.entrySet()) {
      for (String l : e.getValue()) {
        int state = 0;
        for (char c : l.toCharArray()) {
          int cls = classOf(c);
          if (trie.get(state)[cls] == 0) {
            trie.get(state)[cls] = trie.size();
            trie.add(new int[alphabet]);
            out.add(null);
          }
          state = trie.get(state)[cls];
        }
        long[] bits = out.get(state) == null ? new long[words] : out.get(state);
        bits[e.getKey() >>> 6] |= 1L << (e.getKey() & 63);
        out.set(state, bits);
      }
    }
    int states = trie.size();
    delta = new int[states * alphabet];
    output = out.toArray(long[][]::new);
    int[] fail = new int[states];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int a = 0; a < alphabet; a++) {
      int child = trie.get(0)[a];
      delta[a] = child;
      if (child != 0) {
        queue.add(child);
      }
    }
    while (!queue.isEmpty()) {
      int s = queue.poll();
      output[s] = merge(output[s], output[fail[s]]);
      for (int a = 0; a < alphabet; a++) {
        int child = trie.get(s)[a];
        if (child != 0) {
          fail[child] = delta[fail[s] * alphabet + a];
          queue.add(child);
          delta[s * alphabet + a] = child;
        } else {
          delta[s * alphabet + a] = delta[fail[s] * alphabet + a];
        }
      }
    }
  }

  private long[] merge(long[] a, long[] b) {
    if (b == null) {
      return a;
    }
    long[] m = a == null ? new long[words] : a.clone();
    for (int i = 0; i < words; i++) {
      m[i] |= b[i];
    }
    return m;
  }

  private int classOf(char c) {
    return c < 128 ? asciiClass[c] : otherClass.getOrDefault(c, 0);
  }

  /** The conditions whose literals {@code value} holds, as bits. */
  long[] scan(String value) {
    long[] found = new long[words];
    int state = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      state = delta[state * alphabet + (c < 128 ? asciiClass[c] : otherClass.getOrDefault(c, 0))];
      long[] bits = output[state];
      if (bits != null) {
        for (int w = 0; w < words; w++) {
          found[w] |= bits[w];
        }
      }
    }
    return found;
  }
}
