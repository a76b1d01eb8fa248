package dev.gantry.gateway.waf;

import java.util.Locale;
import java.util.Set;

/**
 * A SQL-injection detector in the manner of libinjection: a value is read as SQL tokens three
 * times — as it is, and as if it continued a string opened with {@code '} and with {@code "}
 * (where an injected value lands) — and each reading is tested for the shapes injections take
 * and prose does not: a closed string followed by a boolean and a comparison
 * ({@code ' or 'a'='a}), a closed string followed by a comment ({@code admin'--}),
 * {@code union select}, a stacked statement ({@code ; drop table}), time and error functions
 * ({@code sleep(5)}, {@code extractvalue(}), and the names of system catalogues. Words alone
 * never match: "select the union of both and drop me a line" reads as words.
 */
final class SqlInjection {
  private static final int MAX_TOKENS = 96;
  private static final java.util.regex.Pattern NUMBER_TEXT =
      java.util.regex.Pattern.compile("0x[0-9a-f]+|0b[01]+|[0-9]+(?:\\.[0-9]*)?(?:e[0-9]+)?");

  private SqlInjection() {}

  /** The suspicious part of {@code value}, or null. */
  static String find(String value) {
    if (!worthReading(value)) {
      return null;
    }
    String v = value.toLowerCase(Locale.ROOT);
    String hit = read(v, 0);
    if (hit == null && v.indexOf('\'') >= 0) {
      hit = read("'" + v, 1);
    }
    if (hit == null && v.indexOf('"') >= 0) {
      hit = read("\"" + v, 1);
    }
    return hit;
  }

  /** Words that can start an injection without punctuation ({@code -1 union select 1,2}). */
  private static final String[] BARE = {"union", "select", "order", "waitfor", "information_schema", "sysobjects",
      "syscolumns", "sqlite_", "pg_", "xp_", "sp_", "msysobjects", "all_tables", "user_tables", "dba_users",
      "mysql.user", "outfile", "dumpfile", "infile"};

  /**
   * Whether the tokenizer has anything to find: SQL's punctuation (quotes, comments, operators,
   * parentheses, {@code ;}, {@code @}), a word that starts an injection alone, or a number
   * followed by a boolean ({@code 1 or true}). Prose without any of these is passed over.
   */
  private static boolean worthReading(String v) {
    for (int i = 0; i < v.length(); i++) {
      switch (v.charAt(i)) {
        case '\'', '"', '`', ';', '#', '=', '(', ')', '<', '>', '|', '&', '@', '!', '~', '^', '*' -> {
          return true;
        }
        case '-' -> {
          if (i + 1 < v.length() && v.charAt(i + 1) == '-') {
            return true;
          }
        }
        default -> { }
      }
    }
    String lower = v.toLowerCase(Locale.ROOT);
    for (String word : BARE) {
      if (lower.contains(word)) {
        return true;
      }
    }
    int start = 0;
    while (start < lower.length() && (lower.charAt(start) == ' ' || lower.charAt(start) == '-' || lower.charAt(start) == '+')) {
      start++;
    }
    return start < lower.length() && Character.isDigit(lower.charAt(start))
        && (lower.contains(" or ") || lower.contains(" and ") || lower.contains(" xor ") || lower.contains(" div "));
  }

  // token types
  static final char STRING = 's';
  static final char NUMBER = 'n';
  static final char KEYWORD = 'k';
  static final char LOGIC = 'o';
  static final char COMPARE = 'c';
  static final char ARITH = 'a';
  static final char FUNCTION = 'f';
  static final char VARIABLE = 'v';
  static final char WORD = 'w';
  static final char COMMENT = 'C';
  static final char OTHER = 'x';

  private static final Set<String> KEYWORDS = Set.of("select", "union", "insert", "update", "delete", "drop", "from",
      "where", "having", "order", "group", "by", "into", "outfile", "dumpfile", "exec", "execute", "declare",
      "waitfor", "delay", "shutdown", "truncate", "alter", "create", "table", "database", "schema", "procedure",
      "function", "view", "index", "trigger", "user", "case", "when", "then", "else", "end", "limit", "offset",
      "join", "values", "set", "all", "distinct", "exists", "null", "top", "asc", "desc", "with", "time", "load",
      "data", "infile", "true", "false");
  private static final Set<String> LOGIC_WORDS = Set.of("and", "or", "xor", "not");
  private static final Set<String> COMPARE_WORDS = Set.of("like", "rlike", "regexp", "is", "in", "between",
      "sounds", "glob");
  /** Functions that sleep, raise informative errors or reach the file system: no value calls them. */
  private static final Set<String> ATTACK_FUNCTIONS = Set.of("sleep", "pg_sleep", "benchmark", "extractvalue",
      "updatexml", "load_file", "name_const", "xp_cmdshell", "sys_eval", "sys_exec", "randomblob",
      "dbms_pipe.receive_message", "utl_inaddr.get_host_name", "utl_http.request", "exp", "geometrycollection",
      "multipoint", "polygon", "linestring", "multilinestring", "multipolygon", "json_keys", "gtid_subset");
  /** System catalogues and procedures an injection reads or runs. */
  private static final Set<String> CATALOGUES = Set.of("information_schema", "sysobjects", "syscolumns",
      "sqlite_master", "sqlite_schema", "pg_catalog", "pg_shadow", "pg_user", "all_tables", "user_tables",
      "msysobjects", "msysaccessobjects", "xp_cmdshell", "sp_oacreate", "sp_executesql", "sp_makewebtask",
      "sp_configure", "mysql.user", "sys.dba_users", "sys.user$", "dba_users", "master..sysdatabases",
      "@@version", "@@datadir", "@@hostname", "@@basedir", "@@servername", "@@spid");

  record Token(char type, String text, int start, int end) {}

  /** Reads {@code v} as SQL; {@code shift} is the length of a synthetic opening quote. */
  private static String read(String v, int shift) {
    Token[] all = tokenize(v);
    // the sequence the shapes are read from: parentheses and inline comments do not separate
    Token[] core = new Token[all.length];
    int n = 0;
    for (Token t : all) {
      if (t.type != '(' && t.type != ')' && !(t.type == COMMENT && t.text.startsWith("/*"))) {
        core[n++] = t;
      }
    }
    Token hit = null;
    Token last = null;
    // a closed string or a number, then a boolean: the start of a tautology or a blind test
    if (n >= 1 && (shift > 0 && core[0].type == STRING && closed(core[0]) || shift == 0 && core[0].type == NUMBER)) {
      Token second = n >= 2 ? core[1] : new Token(OTHER, "", v.length(), v.length());
      if (second.type == LOGIC) {
        if (n >= 5 && operand(core[2]) && core[3].type == COMPARE && (operand(core[4]) || is(core[4], "select"))) {
          hit = core[0];
          last = core[4];
        } else if (n >= 3 && (core[2].type == FUNCTION || is(core[2], "select") || is(core[2], "exists")
            || is(core[2], "true") || is(core[2], "false"))) {
          hit = core[0];
          last = core[2];
        } else if (shift > 0 && n >= 3 && operand(core[2]) && (n == 3 || core[3].type == COMMENT
            || core[3].type == ';')) {
          hit = core[0];
          last = core[2];
        }
      } else if (shift > 0 && afterFirst(all) != null && afterFirst(all).type == COMMENT) {
        hit = core[0]; // admin'--, admin' /*
        last = afterFirst(all);
      } else if (is(second, "order") && n >= 4 && is(core[2], "by") && core[3].type == NUMBER
          || is(second, "group") && n >= 3 && is(core[2], "by") || is(second, "having")
          || second.type == ARITH && n >= 3 && is(core[2], "select") || shift > 0 && second.type == ';') {
        hit = core[0];
        last = core[Math.min(n - 1, 3)];
      } else if (is(second, "union")) {
        hit = core[0];
        last = second;
      }
    }
    // a leading boolean with two literal operands: "or 1=1"
    if (hit == null && shift == 0 && n >= 4 && core[0].type == LOGIC && literal(core[1]) && core[2].type == COMPARE
        && literal(core[3])) {
      hit = core[0];
      last = core[3];
    }
    for (int i = 0; hit == null && i < n; i++) {
      Token t = core[i];
      if (is(t, "union")) {
        int j = next(core, n, i + 1);
        if (j < n && (is(core[j], "all") || is(core[j], "distinct"))) {
          j = next(core, n, j + 1);
        }
        if (j < n && is(core[j], "select")) {
          hit = t;
          last = core[j];
        }
      } else if (t.type == ';' && i + 1 < n && stacked(core, n, i + 1)) {
        hit = t;
        last = core[Math.min(n - 1, i + 2)];
      } else if (t.type == FUNCTION && ATTACK_FUNCTIONS.contains(t.text) && calledWithArgs(all, t)) {
        hit = t;
        last = t;
      } else if ((t.type == WORD || t.type == VARIABLE || t.type == FUNCTION) && CATALOGUES.contains(t.text)) {
        hit = t;
        last = t;
      } else if (is(t, "into") && i + 1 < n && (is(core[i + 1], "outfile") || is(core[i + 1], "dumpfile"))
          || is(t, "load") && i + 2 < n && is(core[i + 1], "data") && is(core[i + 2], "infile")
          || is(t, "waitfor") && i + 1 < n && (is(core[i + 1], "delay") || is(core[i + 1], "time"))) {
        hit = t;
        last = core[i + 1];
      }
    }
    if (hit == null) {
      return null;
    }
    int from = Math.max(0, hit.start - shift);
    int to = Math.max(from, Math.min(v.length() - shift, last.end - shift));
    return v.substring(shift + from, shift + to);
  }

  /** The token after the first, parentheses skipped, comments kept. */
  private static Token afterFirst(Token[] all) {
    for (int i = 1; i < all.length; i++) {
      if (all[i].type != '(' && all[i].type != ')') {
        return all[i];
      }
    }
    return null;
  }

  private static int next(Token[] core, int n, int j) {
    while (j < n && core[j].type == COMMENT) {
      j++;
    }
    return j;
  }

  /** What follows a {@code ;} looks like a statement, not a clause of prose. */
  private static boolean stacked(Token[] core, int n, int i) {
    Token t = core[i];
    Token a = i + 1 < n ? core[i + 1] : null;
    Token b = i + 2 < n ? core[i + 2] : null;
    boolean ends = a == null || a.type == COMMENT || a.type == ';';
    return switch (t.type == KEYWORD || t.type == FUNCTION ? t.text : "") {
      case "drop" -> a != null && (is(a, "table") || is(a, "database") || is(a, "schema") || is(a, "user")
          || is(a, "procedure") || is(a, "function") || is(a, "view") || is(a, "index") || is(a, "trigger"));
      case "delete" -> is(a, "from");
      case "insert" -> is(a, "into");
      case "update" -> a != null && a.type == WORD && is(b, "set");
      case "select" -> a != null && (a.type == FUNCTION || a.type == VARIABLE || a.text.equals("*")
          || a.type == NUMBER && (b == null || b.type == ',' || b.type == COMMENT || is(b, "from"))
          || a.type == WORD && (is(b, "from") || b != null && b.type == ','));
      case "exec", "execute" -> a != null && (a.type == STRING || a.type == VARIABLE || a.text.startsWith("xp_")
          || a.text.startsWith("sp_") || a.text.startsWith("master") || a.type == FUNCTION);
      case "shutdown" -> ends || is(a, "with");
      case "truncate" -> is(a, "table");
      case "alter", "create" -> is(a, "table") || is(a, "user") || is(a, "database") || is(a, "procedure")
          || is(a, "function") || is(a, "trigger");
      case "declare", "set" -> a != null && a.type == VARIABLE;
      case "waitfor" -> true;
      default -> false;
    };
  }

  /** {@code sleep(5)}, not the word "sleep" before a parenthesised remark. */
  private static boolean calledWithArgs(Token[] all, Token f) {
    for (int i = 0; i < all.length - 1; i++) {
      if (all[i] == f) {
        return all[i + 1].type == '(' && i + 2 < all.length && all[i + 2].type != OTHER;
      }
    }
    return false;
  }

  private static boolean closed(Token s) {
    return s.end - s.start >= 2 && s.text.charAt(s.text.length() - 1) == s.text.charAt(0);
  }

  private static boolean operand(Token t) {
    return t.type == STRING || t.type == NUMBER || t.type == WORD || t.type == VARIABLE || t.type == FUNCTION
        || is(t, "null") || is(t, "true") || is(t, "false");
  }

  private static boolean literal(Token t) {
    return t.type == STRING || t.type == NUMBER;
  }

  private static boolean is(Token t, String keyword) {
    return t != null && t.type == KEYWORD && t.text.equals(keyword);
  }

  static Token[] tokenize(String v) {
    Token[] out = new Token[MAX_TOKENS];
    int n = 0;
    int i = 0;
    int len = v.length();
    while (i < len && n < MAX_TOKENS) {
      char c = v.charAt(i);
      int start = i;
      if (c <= ' ' || c == 0xa0) {
        i++;
        continue;
      }
      if (c == '/' && i + 2 < len && v.charAt(i + 1) == '*' && v.charAt(i + 2) == '!') {
        i += 3; // MySQL runs what a /*! comment holds: read on as code
        while (i < len && Character.isDigit(v.charAt(i))) {
          i++;
        }
        continue;
      }
      if (c == '*' && i + 1 < len && v.charAt(i + 1) == '/') {
        i += 2;
        continue;
      }
      if (c == '\'' || c == '"' || c == '`') {
        i = endOfString(v, i, c);
        out[n++] = new Token(c == '`' ? WORD : STRING, v.substring(start, i), start, i);
      } else if (c == '-' && i + 1 < len && v.charAt(i + 1) == '-' || c == '#') {
        int eol = v.indexOf('\n', i);
        i = eol < 0 ? len : eol;
        out[n++] = new Token(COMMENT, v.substring(start, i), start, i);
      } else if (c == '/' && i + 1 < len && v.charAt(i + 1) == '*') {
        int close = v.indexOf("*/", i + 2);
        i = close < 0 ? len : close + 2;
        out[n++] = new Token(COMMENT, v.substring(start, i), start, i);
      } else if (c == '@') {
        i++;
        while (i < len && (identifierPart(v.charAt(i)) || v.charAt(i) == '@' || v.charAt(i) == '.')) {
          i++;
        }
        out[n++] = new Token(VARIABLE, v.substring(start, i), start, i);
      } else if (c >= '0' && c <= '9') {
        while (i < len && (identifierPart(v.charAt(i)) || v.charAt(i) == '.')) {
          i++;
        }
        String text = v.substring(start, i);
        out[n++] = new Token(NUMBER_TEXT.matcher(text).matches() ? NUMBER : WORD, text, start, i);
      } else if (identifierPart(c)) {
        while (i < len && (identifierPart(v.charAt(i)) || v.charAt(i) == '.' && i + 1 < len
            && identifierPart(v.charAt(i + 1)))) {
          i++;
        }
        String text = v.substring(start, i);
        if (text.equals("n") && i < len && v.charAt(i) == '\'') {
          continue; // N'unicode string': the string follows
        }
        int after = i;
        while (after < len && v.charAt(after) <= ' ') {
          after++;
        }
        boolean call = after < len && v.charAt(after) == '(';
        char type = KEYWORDS.contains(text) ? KEYWORD : LOGIC_WORDS.contains(text) ? LOGIC
            : COMPARE_WORDS.contains(text) ? COMPARE : call ? FUNCTION : WORD;
        out[n++] = new Token(type, text, start, i);
      } else {
        i = operator(v, i);
        String text = v.substring(start, i);
        out[n++] = new Token(typeOf(text), text, start, i);
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  private static int endOfString(String v, int i, char quote) {
    int j = i + 1;
    while (j < v.length()) {
      char c = v.charAt(j);
      if (c == '\\') {
        j += 2;
        continue;
      }
      if (c == quote) {
        if (j + 1 < v.length() && v.charAt(j + 1) == quote) {
          j += 2; // a doubled quote stays inside
          continue;
        }
        return j + 1;
      }
      j++;
    }
    return v.length();
  }

  private static boolean identifierPart(char c) {
    return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c >= 0x80 && c != 0xa0;
  }

  private static final String[] OPERATORS = {"<=>", "||", "&&", "<=", ">=", "<>", "!=", ":="};

  private static int operator(String v, int i) {
    for (String op : OPERATORS) {
      if (v.startsWith(op, i)) {
        return i + op.length();
      }
    }
    return i + 1;
  }

  private static char typeOf(String op) {
    return switch (op) {
      case "||", "&&" -> LOGIC;
      case "=", "<", ">", "<=", ">=", "<>", "!=", "<=>" -> COMPARE;
      case "+", "-", "*", "/", "%", "&", "|", "^", "~" -> ARITH;
      case "(", ")", ",", ";" -> op.charAt(0);
      default -> OTHER;
    };
  }
}
