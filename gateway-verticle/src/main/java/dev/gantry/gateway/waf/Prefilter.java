package dev.gantry.gateway.waf;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A cheap test that a regular expression cannot match: the literals one of which every match
 * must contain, read from the pattern's text (as RE2 and Hyperscan do), found by an Aho–Corasick
 * pass ({@link LiteralScan}) before the backtracking engine is asked. A rule set scans for all of a
 * transform chain's literals at once; {@link #mayMatch} is the same test for one pattern alone. A rule set is mostly alternations of words
 * ({@code etc/passwd|boot\.ini|…}) that Java's engine tries at every position; most values hold
 * none of their literals and are passed over at the cost of a scan.
 *
 * <p>The reading is conservative: anything it does not understand (inline flags, back-references,
 * an alternative without a literal) yields no prefilter, and the regex always runs.
 */
final class Prefilter {
  private final Set<String> literals;
  /** The literals in an automaton of their own, for a caller outside a rule set's shared scan. */
  private final LiteralScan scan;

  private Prefilter(Set<String> literals) {
    this.literals = Set.copyOf(literals);
    this.scan = new LiteralScan(Map.of(0, this.literals), 1);
  }

  /** The literals, one of which every match holds. */
  Set<String> literals() {
    return literals;
  }

  /** Whether {@code value} holds one of the literals (if not, the regex cannot match). */
  boolean mayMatch(String value) {
    return (scan.scan(value)[0] & 1) != 0;
  }

  /** The prefilter of {@code regex}, or null when none can be read from it. */
  static Prefilter of(String regex) {
    if (regex.contains("(?i") || regex.contains("(?x") || regex.contains("(?u")) {
      return null;
    }
    try {
      Parser p = new Parser(regex);
      Set<String> literals = p.alternation();
      if (p.i != regex.length() || literals == null || literals.isEmpty() || literals.size() > 200) {
        return null;
      }
      return new Prefilter(literals);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Reads alternatives and sequences; each yields the literals one of which a match contains, or null. */
  private static final class Parser {
    private final String s;
    int i;

    Parser(String s) {
      this.s = s;
    }

    Set<String> alternation() {
      Set<String> all = new HashSet<>();
      boolean complete = true;
      while (true) {
        Set<String> one = sequence();
        if (one == null) {
          complete = false;
        } else {
          all.addAll(one);
        }
        if (i < s.length() && s.charAt(i) == '|') {
          i++;
          continue;
        }
        return complete ? all : null;
      }
    }

    /** The best required set of one sequence: its longest literal run, or a mandatory group's set. */
    private Set<String> sequence() {
      Set<String> best = null;
      StringBuilder run = new StringBuilder();
      while (i < s.length() && s.charAt(i) != '|' && s.charAt(i) != ')') {
        char c = s.charAt(i);
        Integer literal = null;
        Set<String> group = null;
        boolean atom = true;
        if (c == '\\') {
          literal = escape();
        } else if (c == '(') {
          group = group();
        } else if (c == '[') {
          group = charClass();
        } else if (c == '.' || c == '^' || c == '$') {
          i++;
          atom = c == '.';
        } else if ("?*+{".indexOf(c) >= 0) {
          throw new IllegalStateException("quantifier without an atom");
        } else {
          literal = (int) c;
          i++;
        }
        // what follows the atom: a quantifier may make it optional or repeated
        boolean optional = false;
        boolean repeated = false;
        if (atom && i < s.length()) {
          char q = s.charAt(i);
          if (q == '?' || q == '*') {
            optional = true;
            i++;
          } else if (q == '+') {
            repeated = true;
            i++;
          } else if (q == '{') {
            int close = s.indexOf('}', i);
            String bounds = s.substring(i + 1, close);
            optional = bounds.startsWith("0");
            repeated = true;
            i = close + 1;
          }
          if (i < s.length() && (s.charAt(i) == '?' || s.charAt(i) == '+') && (optional || repeated)) {
            i++; // lazy or possessive
          }
        }
        if (literal != null && literal >= 0 && !optional) {
          run.appendCodePoint(literal);
          if (repeated) {
            best = better(best, run);
            run.setLength(0);
          }
          continue;
        }
        best = better(best, run);
        run.setLength(0);
        if (group != null && !optional) {
          best = better(best, group);
        }
      }
      return better(best, run);
    }

    private static Set<String> better(Set<String> best, StringBuilder run) {
      return run.length() == 0 ? best : better(best, Set.of(run.toString()));
    }

    /**
     * Prefers the set whose weakest literal is rarest in ordinary text — longer, and holding a
     * character that is not a letter or digit ({@code ;} is rarer than {@code id}) — then the smaller set.
     */
    private static Set<String> better(Set<String> best, Set<String> other) {
      if (other == null || other.isEmpty()) {
        return best;
      }
      if (best == null) {
        return other;
      }
      int a = shortest(best);
      int b = shortest(other);
      return b > a || b == a && other.size() < best.size() ? other : best;
    }

    private static int shortest(Set<String> set) {
      return set.stream().mapToInt(l -> l.length() + (l.chars().allMatch(Character::isLetterOrDigit) ? 0 : 2))
          .min().orElse(0);
    }

    /** A group's set: null for lookarounds (they consume nothing) and groups without one. */
    private Set<String> group() {
      i++; // (
      boolean lookaround = false;
      if (s.startsWith("?:", i)) {
        i += 2;
      } else if (s.startsWith("?=", i) || s.startsWith("?!", i)) {
        i += 2;
        lookaround = true;
      } else if (s.startsWith("?<=", i) || s.startsWith("?<!", i)) {
        i += 3;
        lookaround = true;
      } else if (s.startsWith("?", i)) {
        throw new IllegalStateException("group kind not read");
      }
      Set<String> inner = alternation();
      if (i >= s.length() || s.charAt(i) != ')') {
        throw new IllegalStateException("unclosed group");
      }
      i++;
      return lookaround ? null : inner;
    }

    /** A small class of plain characters is a set of one-character literals; others give none. */
    private Set<String> charClass() {
      Set<String> chars = new HashSet<>();
      boolean plain = s.charAt(i + 1) != '^';
      int j = plain ? i + 1 : i + 2;
      while (j < s.length() && s.charAt(j) != ']') {
        char c = s.charAt(j);
        if (c == '\\') {
          char e = s.charAt(j + 1);
          switch (e) {
            case 'n' -> chars.add("\n");
            case 'r' -> chars.add("\r");
            case 't' -> chars.add("\t");
            default -> {
              if (Character.isLetterOrDigit(e)) {
                plain = false;
              } else {
                chars.add(String.valueOf(e));
              }
            }
          }
          j += 2;
          continue;
        }
        if (c == '[' || c == '&' || j + 1 < s.length() && s.charAt(j + 1) == '-' && j + 2 < s.length()
            && s.charAt(j + 2) != ']') {
          plain = false; // ranges, nesting, intersections: not a short list
        }
        chars.add(String.valueOf(c));
        j++;
      }
      i = j + 1;
      return plain && chars.size() <= 12 ? chars : null;
    }

    /** An escaped literal's code point, or -1 for a class or assertion ({@code \s}, {@code \b}). */
    private int escape() {
      char e = s.charAt(i + 1);
      i += 2;
      switch (e) {
        case 'n':
          return '\n';
        case 'r':
          return '\r';
        case 't':
          return '\t';
        case 'x': {
          int cp = Integer.parseInt(s.substring(i, i + 2), 16);
          i += 2;
          return cp;
        }
        case 'u': {
          int cp = Integer.parseInt(s.substring(i, i + 4), 16);
          i += 4;
          return cp;
        }
        case 's': case 'S': case 'd': case 'D': case 'w': case 'W': case 'b': case 'B': case 'A': case 'z': case 'Z':
        case 'h': case 'H': case 'v': case 'V': case 'R':
          return -1;
        default:
          if (Character.isLetterOrDigit(e)) {
            throw new IllegalStateException("escape not read: \\" + e);
          }
          return e;
      }
    }
  }
}
