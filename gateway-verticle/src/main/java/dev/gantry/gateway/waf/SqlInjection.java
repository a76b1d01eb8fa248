package dev.gantry.gateway.waf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A SQL-injection detector in the manner of libinjection: a value is read as SQL tokens three
 * times — as it is, and as if it continued a string opened with {@code '} and with {@code "}
 * (where an injected value lands) — and each reading is tested for the shapes injections take
 * and prose does not: a closed string followed by a boolean expression with a comparison
 * ({@code ' or 'a'='a}, {@code ' or 1 is not null}), a closed string followed by a comment
 * ({@code admin'--}), {@code union select} with a column list, a stacked statement
 * ({@code ; drop table}), time and error functions ({@code sleep(5)}, {@code extractvalue(}), and
 * the names of system catalogues. Words alone never match: "select the union of both and drop me
 * a line" reads as words. The whole value is read, in windows of tokens, so padding cannot push
 * an injection out of sight.
 */
final class SqlInjection {
  /** Tokens per window; windows overlap by {@link #OVERLAP} so a shape is never cut in two. */
  private static final int WINDOW = 256;
  private static final int OVERLAP = 8;
  private static final java.util.regex.Pattern NUMBER_TEXT =
      java.util.regex.Pattern.compile("0x[0-9a-f]+|0b[01]+|[0-9]+(?:\\.[0-9]*)?(?:e[+-]?[0-9]+)?");

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
        case '\'', '"', '`', ';', '#', '=', '(', ')', '<', '>', '|', '&', '@', '!', '~', '^', '*', '{', '\\' -> {
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
    while (start < lower.length() && (lower.charAt(start) == ' ' || lower.charAt(start) == '-'
        || lower.charAt(start) == '+' || lower.charAt(start) == '.')) {
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
  private static final Set<String> LOGIC_WORDS = Set.of("and", "or", "xor", "not", "div");
  private static final Set<String> COMPARE_WORDS = Set.of("like", "rlike", "regexp", "is", "in", "between",
      "sounds", "glob");
  /** SQL functions an injection calls in a boolean test ({@code ' and ascii(substring(...))>64}). */
  private static final Set<String> SQL_FUNCTIONS = Set.of("sleep", "pg_sleep", "benchmark", "ascii", "substring",
      "substr", "mid", "char", "chr", "concat", "concat_ws", "group_concat", "if", "ifnull", "isnull", "length",
      "len", "count", "version", "database", "user", "current_user", "system_user", "session_user", "schema",
      "extractvalue", "updatexml", "exp", "floor", "rand", "hex", "unhex", "ord", "cast", "convert", "load_file",
      "md5", "sha1", "elt", "make_set", "name_const", "row", "exists", "coalesce", "nullif", "instr", "locate",
      "position", "lower", "upper", "replace", "reverse", "left", "right", "trim", "randomblob", "db_name",
      "user_name", "host_name", "suser_name", "is_srvrolemember", "char_length", "bit_length", "octet_length",
      "json_keys", "gtid_subset", "geometrycollection", "multipoint", "polygon", "linestring", "utl_inaddr.get_host_name",
      "dbms_pipe.receive_message", "utl_http.request", "sys_eval", "sys_exec", "regexp_like", "strcmp");
  /** Functions that sleep or reach the file system or the network: no value calls them. */
  private static final Set<String> ATTACK_FUNCTIONS = Set.of("sleep", "pg_sleep", "benchmark", "extractvalue",
      "updatexml", "load_file", "name_const", "xp_cmdshell", "sys_eval", "sys_exec", "randomblob",
      "dbms_pipe.receive_message", "utl_inaddr.get_host_name", "utl_http.request");
  /** System catalogues and procedures an injection reads or runs. */
  private static final Set<String> CATALOGUES = Set.of("information_schema", "sysobjects", "syscolumns",
      "sqlite_master", "sqlite_schema", "pg_catalog", "pg_shadow", "pg_user", "all_tables", "user_tables",
      "msysobjects", "msysaccessobjects", "xp_cmdshell", "sp_oacreate", "sp_executesql", "sp_makewebtask",
      "sp_configure", "mysql.user", "sys.dba_users", "sys.user$", "dba_users", "master..sysdatabases",
      "@@version", "@@datadir", "@@hostname", "@@basedir", "@@servername", "@@spid");

  record Token(char type, String text, int start, int end) {}

  /** Reads {@code v} as SQL; {@code shift} is the length of a synthetic opening quote. */
  private static String read(String v, int shift) {
    int at = 0;
    List<Token> carried = List.of();
    boolean first = true;
    while (true) {
      List<Token> all = new ArrayList<>(carried);
      at = tokenize(v, at, all, WINDOW);
      boolean more = at < v.length();
      Token[] core = core(all);
      Token[] hit = first ? opening(core, all, shift, more) : null;
      if (hit == null) {
        hit = anywhere(core, all, more);
      }
      if (hit != null) {
        int from = Math.max(0, hit[0].start - shift);
        int to = Math.max(from, Math.min(v.length() - shift, hit[1].end - shift));
        return v.substring(shift + from, shift + to);
      }
      if (!more) {
        return null;
      }
      carried = all.subList(Math.max(0, all.size() - OVERLAP), all.size());
      first = false;
    }
  }

  /** The sequence shapes are read from: parentheses, braces and inline comments do not separate. */
  private static Token[] core(List<Token> all) {
    List<Token> core = new ArrayList<>(all.size());
    for (Token t : all) {
      if (t.type != '(' && t.type != ')' && !(t.type == COMMENT && t.text.startsWith("/*"))) {
        core.add(t);
      }
    }
    return core.toArray(Token[]::new);
  }

  /**
   * Shapes at the start of the value: it closes a string (or starts with a literal) and goes on
   * as SQL. Answers the first and last token of the match, or null.
   */
  private static Token[] opening(Token[] core, List<Token> all, int shift, boolean more) {
    int n = core.length;
    if (n == 0) {
      return null;
    }
    boolean closedString = core[0].type == STRING && closed(core[0]);
    int i = 0;
    if (shift == 0 && n > 1 && core[0].type == ARITH && (core[0].text.equals("-") || core[0].text.equals("+"))
        && core[1].type == NUMBER) {
      i = 1; // -1 or 1=1
    }
    boolean literalStart = closedString && (shift > 0 || n > 1) || shift == 0 && core[i].type == NUMBER;
    if (!literalStart) {
      // a leading boolean with two literal operands: "or 1=1"
      if (shift == 0 && n >= 4 && core[0].type == LOGIC && literal(core[1]) && core[2].type == COMPARE
          && literal(core[3])) {
        return new Token[] {core[0], core[3]};
      }
      return null;
    }
    Token start = core[0];
    // 'a' 'b' (adjacent strings concatenate) and '+0 (arithmetic) continue the first operand
    i++;
    // (a '+' the URL decoding turned into a space leaves '' 0 or …: a number right after the string)
    while (i < n && (core[i].type == STRING && shift > 0 || core[i].type == NUMBER && shift > 0 && i == 1
        || core[i].type == ARITH && i + 1 < n && operand(core[i + 1]))) {
      i += core[i].type == ARITH ? 2 : 1;
    }
    Token second = i < n ? core[i] : null;
    Token afterFirst = afterFirst(all);
    if (shift > 0 && afterFirst != null && afterFirst.type == COMMENT
        && (afterFirst.text.startsWith("--") || afterFirst.text.startsWith("/*") || !core[0].text.contains(" "))) {
      return new Token[] {start, afterFirst}; // admin'--, admin' /*, admin'#
    }
    if (second == null) {
      return null;
    }
    if (second.type == LOGIC && !second.text.equals("not")) {
      Token end = booleanTest(core, i + 1, shift > 0 ? 8 : 4, shift > 0);
      if (end != null) {
        return new Token[] {start, end};
      }
      // ' or 1--, ' or 'a (a literal operand, then the end, a comment or ;)
      int j = skipNot(core, i + 1);
      if (shift > 0 && j < n && (literal(core[j]) || is(core[j], "true") || is(core[j], "false") || is(core[j], "null")
          || core[j].type == WORD && j + 1 < n && (core[j + 1].type == COMMENT || core[j + 1].type == ';'))
          && (j + 1 == n && !more || j + 1 < n && (core[j + 1].type == COMMENT || core[j + 1].type == ';'))) {
        return new Token[] {start, core[j]};
      }
      return null;
    }
    if (second.type == COMPARE) {
      // '=' or 1=1, ' is not null or ..., 1 rlike (select ...)
      int j = skipNot(core, i + 1);
      if (j < n && is(core[j], "select")) {
        return new Token[] {start, core[j]};
      }
      if (shift > 0 && j < n && literal(core[j]) && (j + 1 == n && !more || j + 1 < n
          && (core[j + 1].type == COMMENT || core[j + 1].type == LOGIC))) {
        return new Token[] {start, core[j]};
      }
      if (shift > 0 || closedString) {
        for (int k = j; k < Math.min(n, j + 4); k++) {
          if (core[k].type == LOGIC && !core[k].text.equals("not")) {
            Token end = booleanTest(core, k + 1, 8, true);
            if (end != null) {
              return new Token[] {start, end};
            }
          }
        }
      }
      return null;
    }
    if (is(second, "order") && i + 2 < n && is(core[i + 1], "by") && core[i + 2].type == NUMBER
        || is(second, "group") && i + 1 < n && is(core[i + 1], "by") || is(second, "having")
        || shift > 0 && second.type == ';') {
      return new Token[] {start, core[Math.min(n - 1, i + 2)]};
    }
    return null;
  }

  /**
   * A boolean operand that makes the test an injection, within {@code window} tokens from
   * {@code from}: a comparison of two operands, a call of a SQL function, a subquery, {@code exists},
   * {@code true} or {@code false}. Answers its last token, or null.
   */
  private static Token booleanTest(Token[] core, int from, int window, boolean wide) {
    int n = core.length;
    int j = skipNot(core, from);
    if (j < n && (core[j].type == FUNCTION && SQL_FUNCTIONS.contains(core[j].text) || is(core[j], "select")
        || is(core[j], "exists") || is(core[j], "true") || is(core[j], "false"))) {
      return core[j];
    }
    int limit = Math.min(n, from + window);
    for (int k = wide ? j : Math.min(j, limit); k < limit; k++) {
      // [-]operand [not] compare [not] [-]operand
      int a = k;
      if (core[a].type == ARITH && a + 1 < n && (core[a].text.equals("-") || core[a].text.equals("+"))) {
        a++;
      }
      if (a >= n || !operand(core[a])) {
        if (!wide) {
          return null;
        }
        continue;
      }
      int c = skipNot(core, a + 1);
      if (c < n && core[c].type == COMPARE) {
        int b = skipNot(core, c + 1);
        if (b < n && core[b].type == ARITH && (core[b].text.equals("-") || core[b].text.equals("+"))) {
          b++;
        }
        if (b < n && (operand(core[b]) || is(core[b], "select"))) {
          return core[b];
        }
      }
      if (!wide) {
        return null;
      }
    }
    return null;
  }

  private static int skipNot(Token[] core, int j) {
    while (j < core.length && core[j].type == LOGIC && core[j].text.equals("not")) {
      j++;
    }
    return j;
  }

  /** Shapes anywhere in the value. */
  private static Token[] anywhere(Token[] core, List<Token> all, boolean more) {
    int n = core.length;
    for (int i = 0; i < n; i++) {
      Token t = core[i];
      if (is(t, "union")) {
        int j = next(core, i + 1);
        if (j < n && (is(core[j], "all") || is(core[j], "distinct"))) {
          j = next(core, j + 1);
        }
        if (j < n && is(core[j], "select") && columns(core, j + 1, more)) {
          return new Token[] {t, core[j]};
        }
      } else if (t.type == ';' && i + 1 < n && stacked(core, i + 1, more)) {
        return new Token[] {t, core[Math.min(n - 1, i + 2)]};
      } else if (t.type == FUNCTION && ATTACK_FUNCTIONS.contains(t.text) && calledWithArgs(all, t)) {
        return new Token[] {t, t};
      } else if ((t.type == WORD || t.type == VARIABLE || t.type == FUNCTION) && CATALOGUES.contains(t.text)) {
        return new Token[] {t, t};
      } else if (is(t, "into") && i + 1 < n && (is(core[i + 1], "outfile") || is(core[i + 1], "dumpfile"))
          || is(t, "load") && i + 2 < n && is(core[i + 1], "data") && is(core[i + 2], "infile")
          || is(t, "waitfor") && i + 1 < n && (is(core[i + 1], "delay") || is(core[i + 1], "time"))) {
        return new Token[] {t, core[i + 1]};
      }
    }
    return null;
  }

  /** What follows {@code select} is a column list: a literal, {@code *}, a call, or a name before {@code ,}/{@code from}. */
  private static boolean columns(Token[] core, int j, boolean more) {
    int n = core.length;
    if (j >= n) {
      return more;
    }
    Token a = core[j];
    Token b = j + 1 < n ? core[j + 1] : null;
    return a.type == NUMBER || a.type == STRING || a.type == VARIABLE || a.type == FUNCTION || a.text.equals("*")
        || is(a, "null") || is(a, "all") || is(a, "distinct") || is(a, "top") || is(a, "case") || is(a, "user")
        || a.type == WORD && b != null && (b.type == ',' || is(b, "from") || b.type == COMMENT || b.type == ';'
            || b.type == OTHER && b.text.equals("."));
  }

  private static int next(Token[] core, int j) {
    while (j < core.length && core[j].type == COMMENT) {
      j++;
    }
    return j;
  }

  /** The token after the first, parentheses skipped, comments kept. */
  private static Token afterFirst(List<Token> all) {
    for (int i = 1; i < all.size(); i++) {
      if (all.get(i).type != '(' && all.get(i).type != ')') {
        return all.get(i);
      }
    }
    return null;
  }

  /** What follows a {@code ;} looks like a statement, not a clause of prose. */
  private static boolean stacked(Token[] core, int i, boolean more) {
    int n = core.length;
    Token t = core[i];
    Token a = i + 1 < n ? core[i + 1] : null;
    Token b = i + 2 < n ? core[i + 2] : null;
    boolean ends = a == null && !more || a != null && (a.type == COMMENT || a.type == ';');
    return switch (t.type == KEYWORD || t.type == FUNCTION ? t.text : "") {
      case "drop" -> a != null && (is(a, "table") || is(a, "database") || is(a, "schema") || is(a, "user")
          || is(a, "procedure") || is(a, "function") || is(a, "view") || is(a, "index") || is(a, "trigger"));
      case "delete" -> is(a, "from") && b != null && (b.type == WORD || b.type == OTHER);
      case "insert" -> is(a, "into");
      case "update" -> a != null && a.type == WORD && is(b, "set");
      case "select" -> a != null && (a.type == FUNCTION || a.type == VARIABLE || a.text.equals("*")
          || a.type == NUMBER && (b == null || b.type == ',' || b.type == COMMENT || is(b, "from"))
          || a.type == WORD && (b != null && b.type == ',' || is(b, "from") && statementTail(core, i + 3, more)));
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

  /** {@code from users} then the end, a comment, {@code ;} or a clause — not "from the list". */
  private static boolean statementTail(Token[] core, int j, boolean more) {
    int n = core.length;
    if (j >= n || core[j].type != WORD && !(core[j].type == OTHER && core[j].text.equals("."))) {
      return false;
    }
    int k = j + 1;
    while (k + 1 < n && core[k].type == OTHER && core[k].text.equals(".") && core[k + 1].type == WORD) {
      k += 2; // schema.table
    }
    return k >= n && !more || k < n && (core[k].type == COMMENT || core[k].type == ';' || core[k].type == ','
        || is(core[k], "where") || is(core[k], "limit") || is(core[k], "order") || is(core[k], "group")
        || is(core[k], "join") || is(core[k], "union") || is(core[k], "having"));
  }

  /** {@code sleep(5)} or {@code benchmark(5,…)} — not the word "sleep" before a parenthesised remark. */
  private static boolean calledWithArgs(List<Token> all, Token f) {
    int i = all.indexOf(f);
    int j = i + 1;
    while (j < all.size() && all.get(j).type == COMMENT) {
      j++;
    }
    if (j + 1 >= all.size() || all.get(j).type != '(') {
      return false;
    }
    Token arg = all.get(j + 1);
    if (f.text.equals("sleep") || f.text.equals("pg_sleep")) {
      // sleep(5), sleep(0.5), sleep((select…)) — not "sleep (8 hours)"
      return arg.type == NUMBER && j + 2 < all.size() && all.get(j + 2).type == ')' || arg.type == '('
          || arg.type == KEYWORD && arg.text.equals("select");
    }
    return arg.type != OTHER;
  }

  private static boolean closed(Token s) {
    return s.end - s.start >= 2 && s.text.charAt(s.text.length() - 1) == s.text.charAt(0);
  }

  private static boolean operand(Token t) {
    return t.type == STRING || t.type == NUMBER || t.type == WORD || t.type == VARIABLE || t.type == FUNCTION
        || is(t, "null") || is(t, "true") || is(t, "false") || is(t, "user");
  }

  private static boolean literal(Token t) {
    return t.type == STRING || t.type == NUMBER;
  }

  private static boolean is(Token t, String keyword) {
    return t != null && t.type == KEYWORD && t.text.equals(keyword);
  }

  /** Tokens of {@code v} from {@code from} into {@code out}, at most {@code max}; answers where it stopped. */
  static int tokenize(String v, int from, List<Token> out, int max) {
    int added = 0;
    int i = from;
    int len = v.length();
    while (i < len && added < max) {
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
      Token token;
      if (c == '\'' || c == '"' || c == '`') {
        i = endOfString(v, i, c);
        token = new Token(c == '`' ? WORD : STRING, v.substring(start, i), start, i);
      } else if (c == '-' && i + 1 < len && v.charAt(i + 1) == '-' || c == '#') {
        int eol = v.indexOf('\n', i);
        i = eol < 0 ? len : eol;
        token = new Token(COMMENT, v.substring(start, i), start, i);
      } else if (c == '/' && i + 1 < len && v.charAt(i + 1) == '*') {
        int close = v.indexOf("*/", i + 2);
        i = close < 0 ? len : close + 2;
        token = new Token(COMMENT, "/*", start, i);
      } else if (c == '\\' && i + 1 < len && v.charAt(i + 1) == 'n') {
        i += 2; // \N is NULL
        token = new Token(KEYWORD, "null", start, i);
      } else if (c == '@') {
        i++;
        while (i < len && (identifierPart(v.charAt(i)) || v.charAt(i) == '@' || v.charAt(i) == '.')) {
          i++;
        }
        token = new Token(VARIABLE, v.substring(start, i), start, i);
      } else if (c >= '0' && c <= '9' || c == '.' && i + 1 < len && Character.isDigit(v.charAt(i + 1))) {
        i = endOfNumber(v, i);
        token = new Token(NUMBER, v.substring(start, i), start, i);
      } else if (c == '{' && i + 1 < len && identifierPart(v.charAt(i + 1))) {
        i++; // ODBC escape {x expr}: the marker is not an operand
        while (i < len && identifierPart(v.charAt(i))) {
          i++;
        }
        token = new Token('(', "{", start, i);
      } else if (c == '}') {
        i++;
        token = new Token(')', "}", start, i);
      } else if (identifierPart(c)) {
        while (i < len && (identifierPart(v.charAt(i)) || v.charAt(i) == '.' && i + 1 < len
            && identifierPart(v.charAt(i + 1)))) {
          i++;
        }
        String text = v.substring(start, i);
        if (text.equals("n") && i < len && v.charAt(i) == '\'') {
          continue; // N'unicode string': the string follows
        }
        char type = KEYWORDS.contains(text) ? KEYWORD : LOGIC_WORDS.contains(text) ? LOGIC
            : COMPARE_WORDS.contains(text) ? COMPARE : calls(v, i) ? FUNCTION : WORD;
        token = new Token(type, text, start, i);
      } else {
        i = operator(v, i);
        String text = v.substring(start, i);
        token = new Token(typeOf(text), text, start, i);
      }
      out.add(token);
      added++;
    }
    return i;
  }

  /** Whether a {@code (} follows at {@code i}, past whitespace and inline comments ({@code sleep/**}{@code /(5)}). */
  private static boolean calls(String v, int i) {
    int len = v.length();
    while (i < len) {
      char c = v.charAt(i);
      if (c <= ' ') {
        i++;
      } else if (c == '/' && i + 1 < len && v.charAt(i + 1) == '*') {
        int close = v.indexOf("*/", i + 2);
        if (close < 0) {
          return false;
        }
        i = close + 2;
      } else {
        return c == '(';
      }
    }
    return false;
  }

  /** A number as SQL reads it: {@code 1e0union} is {@code 1e0} then {@code union}. */
  private static int endOfNumber(String v, int i) {
    java.util.regex.Matcher m = NUMBER_TEXT.matcher(v).region(i, Math.min(v.length(), i + 64));
    if (v.charAt(i) == '.') {
      int j = i + 1;
      while (j < v.length() && Character.isDigit(v.charAt(j))) {
        j++;
      }
      return j;
    }
    return m.lookingAt() ? m.end() : i + 1;
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
