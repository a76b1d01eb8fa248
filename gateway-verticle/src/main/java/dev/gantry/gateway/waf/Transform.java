package dev.gantry.gateway.waf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A step that undoes one way of hiding an attack before a rule's operator looks at a value, as
 * ModSecurity's transformations do. A rule lists them in order; each returns its input unchanged
 * (the same instance) when it has nothing to do, so a clean value costs a scan and no copy.
 */
public enum Transform {
  /** One round of {@code %XX} and {@code %uXXXX} decoding; {@code +} becomes a space. */
  URL_DECODE("url-decode", Transform::urlDecode),
  /** URL decoding repeated until the value stops changing (at most 4 rounds): double encoding. */
  URL_DECODE_REPEAT("url-decode-repeat", v -> {
    String out = v;
    for (int i = 0; i < 4; i++) {
      String next = urlDecode(out);
      if (next == out) {
        break;
      }
      out = next;
    }
    return out;
  }),
  /** {@code &lt;}, {@code &#60;}, {@code &#x3c;} and the like, with or without the {@code ;}. */
  HTML_ENTITY_DECODE("html-entity-decode", Transform::htmlDecode),
  /** Unicode NFKC: full-width {@code ＜script＞} reads as {@code <script>}. */
  UNICODE_NORMALIZE("unicode-normalize", v -> isAscii(v) ? v : Normalizer.normalize(capMarks(v), Normalizer.Form.NFKC)),
  LOWERCASE("lowercase", v -> {
    for (int i = 0; i < v.length(); i++) {
      if (Character.isUpperCase(v.charAt(i))) {
        return v.toLowerCase(Locale.ROOT);
      }
    }
    return v;
  }),
  /** Runs of whitespace (and NUL) become one space. */
  COMPRESS_WHITESPACE("compress-whitespace", v -> squeeze(v, true)),
  /** Whitespace and control characters removed: {@code java\tscript:} reads as {@code javascript:}. */
  REMOVE_WHITESPACE("remove-whitespace", v -> squeeze(v, false)),
  REMOVE_NULLS("remove-nulls", v -> v.indexOf('\0') < 0 ? v : v.replace("\0", "")),
  /** SQL and C comments ({@code /* *}{@code /}) become a space: {@code UNION/**}{@code /SELECT}. */
  REMOVE_COMMENTS("remove-comments", Transform::removeComments),
  /**
   * A shell's view of a command line: drops {@code \ " ' ^}, removes spaces before {@code /} and
   * {@code (}, reads {@code , ;} as spaces, squeezes whitespace and lower-cases, so
   * {@code c^a"t /etc/pass'wd} reads as {@code cat/etc/passwd}.
   */
  CMD_LINE("cmd-line", Transform::cmdLine),
  /**
   * What a shell leaves of a word once it has dropped quoting, keeping separators: removes
   * {@code \ ' " ^}, reads {@code $IFS}, {@code ${IFS}} and {@code $IFS$9} as a space, lower-cases —
   * {@code ;c'a't${IFS}/e"t"c/passwd} reads as {@code ;cat /etc/passwd}.
   */
  SHELL_UNQUOTE("shell-unquote", Transform::shellUnquote);

  private final String key;
  private final UnaryOperator<String> function;

  Transform(String key, UnaryOperator<String> function) {
    this.key = key;
    this.function = function;
  }

  /** The name a rule file uses. */
  public String key() {
    return key;
  }

  public String apply(String value) {
    return function.apply(value);
  }

  /** The transform a rule file names, or null. */
  public static Transform byKey(String key) {
    for (Transform t : values()) {
      if (t.key.equals(key)) {
        return t;
      }
    }
    return null;
  }

  /** Combining marks a character may carry before normalising (ordering them is quadratic in their number). */
  static final int MAX_MARKS = 32;

  /** Runs of more than {@link #MAX_MARKS} combining marks cut to that many: they change no letter a rule reads. */
  private static String capMarks(String v) {
    StringBuilder out = null;
    int run = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      int type = Character.getType(c);
      boolean mark = type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
          || type == Character.COMBINING_SPACING_MARK;
      run = mark ? run + 1 : 0;
      if (run > MAX_MARKS) {
        if (out == null) {
          out = new StringBuilder(v.length()).append(v, 0, i);
        }
        continue;
      }
      if (out != null) {
        out.append(c);
      }
    }
    return out == null ? v : out.toString();
  }

  private static boolean isAscii(String v) {
    for (int i = 0; i < v.length(); i++) {
      if (v.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  static String urlDecode(String v) {
    int first = -1;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '%' || c == '+') {
        first = i;
        break;
      }
    }
    if (first < 0) {
      return v;
    }
    if (v.indexOf('%', first) < 0) {
      return v.replace('+', ' '); // a search's words: no bytes to decode
    }
    StringBuilder out = new StringBuilder(v.length());
    out.append(v, 0, first);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int i = first;
    while (i < v.length()) {
      char c = v.charAt(i);
      if (c == '%' && hex(v, i + 1, 2) >= 0) {
        bytes.write(hex(v, i + 1, 2));
        i += 3;
        continue;
      }
      flush(bytes, out);
      if (c == '%' && i + 1 < v.length() && (v.charAt(i + 1) == 'u' || v.charAt(i + 1) == 'U')
          && hex(v, i + 2, 4) >= 0) {
        out.append((char) hex(v, i + 2, 4)); // IIS's %uXXXX
        i += 6;
      } else {
        out.append(c == '+' ? ' ' : c);
        i++;
      }
    }
    flush(bytes, out);
    return out.toString();
  }

  /**
   * Decoded bytes as UTF-8, or — when they are not valid UTF-8 (an overlong {@code %c0%af}) —
   * byte by byte as Latin-1, so that nothing an attacker sent disappears into a replacement char.
   */
  private static void flush(ByteArrayOutputStream bytes, StringBuilder out) {
    if (bytes.size() == 0) {
      return;
    }
    byte[] b = bytes.toByteArray();
    bytes.reset();
    try {
      out.append(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)));
    } catch (CharacterCodingException e) {
      out.append(new String(b, StandardCharsets.ISO_8859_1));
    }
  }

  private static int hex(String v, int from, int count) {
    if (from + count > v.length()) {
      return -1;
    }
    int n = 0;
    for (int i = from; i < from + count; i++) {
      int d = Character.digit(v.charAt(i), 16);
      if (d < 0) {
        return -1;
      }
      n = n * 16 + d;
    }
    return n;
  }

  private static final Map<String, String> ENTITIES = Map.ofEntries(Map.entry("lt", "<"), Map.entry("gt", ">"),
      Map.entry("amp", "&"), Map.entry("quot", "\""), Map.entry("apos", "'"), Map.entry("nbsp", " "),
      Map.entry("colon", ":"), Map.entry("tab", "\t"), Map.entry("newline", "\n"), Map.entry("lpar", "("),
      Map.entry("rpar", ")"), Map.entry("sol", "/"), Map.entry("bsol", "\\"), Map.entry("grave", "`"),
      Map.entry("semi", ";"), Map.entry("equals", "="), Map.entry("period", "."), Map.entry("comma", ","),
      Map.entry("excl", "!"), Map.entry("lsqb", "["), Map.entry("rsqb", "]"), Map.entry("lcub", "{"),
      Map.entry("rcub", "}"), Map.entry("dollar", "$"), Map.entry("num", "#"), Map.entry("percnt", "%"),
      Map.entry("plus", "+"), Map.entry("quest", "?"), Map.entry("commat", "@"), Map.entry("lowbar", "_"));

  static String htmlDecode(String v) {
    int amp = v.indexOf('&');
    if (amp < 0) {
      return v;
    }
    StringBuilder out = new StringBuilder(v.length());
    out.append(v, 0, amp);
    int i = amp;
    while (i < v.length()) {
      char c = v.charAt(i);
      if (c != '&') {
        out.append(c);
        i++;
        continue;
      }
      int end = i + 1;
      String replacement = null;
      if (end < v.length() && v.charAt(end) == '#') {
        boolean hex = end + 1 < v.length() && (v.charAt(end + 1) == 'x' || v.charAt(end + 1) == 'X');
        int digits = end + (hex ? 2 : 1);
        int j = digits;
        while (j < v.length() && v.charAt(j) == '0') {
          j++; // &#0000000058; is still ':'
        }
        int significant = j;
        long code = 0;
        while (j < v.length() && j - significant < 8 && Character.digit(v.charAt(j), hex ? 16 : 10) >= 0) {
          code = code * (hex ? 16 : 10) + Character.digit(v.charAt(j), hex ? 16 : 10);
          j++;
        }
        if (j > digits && code <= Character.MAX_CODE_POINT) {
          replacement = new String(Character.toChars((int) code));
          end = j;
        }
      } else {
        int j = end;
        while (j < v.length() && j - end < 10 && Character.isLetter(v.charAt(j))) {
          j++;
        }
        String name = v.substring(end, j).toLowerCase(Locale.ROOT);
        replacement = ENTITIES.get(name);
        if (replacement != null) {
          end = j;
        }
      }
      if (replacement == null) {
        out.append(c);
        i++;
        continue;
      }
      out.append(replacement);
      i = end < v.length() && v.charAt(end) == ';' ? end + 1 : end;
    }
    return out.toString();
  }

  private static String squeeze(String v, boolean keepOne) {
    int first = -1;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c <= ' ' || c == 0x7f || c == 0xa0) {
        if (!keepOne || c != ' ' || i + 1 < v.length() && isSpace(v.charAt(i + 1))) {
          first = i;
          break;
        }
      }
    }
    if (first < 0) {
      return v;
    }
    StringBuilder out = new StringBuilder(v.length());
    out.append(v, 0, first);
    boolean inSpace = false;
    for (int i = first; i < v.length(); i++) {
      char c = v.charAt(i);
      if (isSpace(c)) {
        if (keepOne && !inSpace) {
          out.append(' ');
        }
        inSpace = true;
      } else {
        out.append(c);
        inSpace = false;
      }
    }
    return out.toString();
  }

  private static boolean isSpace(char c) {
    return c <= ' ' || c == 0x7f || c == 0xa0;
  }

  private static String removeComments(String v) {
    int open = v.indexOf("/*");
    if (open < 0) {
      return v;
    }
    StringBuilder out = new StringBuilder(v.length());
    int i = 0;
    while (open >= 0) {
      out.append(v, i, open).append(' ');
      int close = v.indexOf("*/", open + 2);
      if (close < 0) {
        return out.toString(); // an unterminated comment runs to the end, as in SQL
      }
      i = close + 2;
      open = v.indexOf("/*", i);
    }
    return out.append(v, i, v.length()).toString();
  }

  private static String shellUnquote(String v) {
    boolean plain = true;
    for (int i = 0; i < v.length() && plain; i++) {
      char c = v.charAt(i);
      plain = c != '\\' && c != '\'' && c != '"' && c != '^' && c != '$' && !Character.isUpperCase(c);
    }
    if (plain) {
      return v;
    }
    String lower = v.toLowerCase(Locale.ROOT);
    // A shell drops quotes that pair up; an odd one out ("I'd like") is prose, not quoting.
    boolean singles = lower.chars().filter(ch -> ch == '\'').count() % 2 == 0;
    boolean doubles = lower.chars().filter(ch -> ch == '"').count() % 2 == 0;
    StringBuilder out = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if (c == '\'' && !singles || c == '"' && !doubles) {
        out.append(c);
      } else if (c == '$' && lower.startsWith("ifs", i + 1) || c == '$' && lower.startsWith("{ifs}", i + 1)) {
        boolean braced = lower.charAt(i + 1) == '{';
        i += braced ? 5 : 3;
        if (!braced && i + 2 < lower.length() && lower.charAt(i + 1) == '$' && Character.isDigit(lower.charAt(i + 2))) {
          i += 2; // $IFS$9
        }
        out.append(' ');
      } else if (c == '$' && i + 1 < lower.length() && (lower.charAt(i + 1) == '@' || lower.charAt(i + 1) == '*'
          || Character.isDigit(lower.charAt(i + 1)))) {
        i++; // $@, $*, $1: empty in an injected command, they only split a word
      } else if (c == '$' && i + 1 < lower.length() && lower.charAt(i + 1) == '{' && variableEnd(lower, i + 2) > 0) {
        i = variableEnd(lower, i + 2); // ${x}: an unset variable splitting a word
      } else if (c != '\\' && c != '\'' && c != '"' && c != '^') {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The index of the {@code }} closing a variable name that starts at {@code from}, or -1. */
  private static int variableEnd(String v, int from) {
    int i = from;
    while (i < v.length() && i - from < 32 && (Character.isLetterOrDigit(v.charAt(i)) || v.charAt(i) == '_')) {
      i++;
    }
    return i > from && i < v.length() && v.charAt(i) == '}' && !Character.isDigit(v.charAt(from)) ? i : -1;
  }

  private static String cmdLine(String v) {
    StringBuilder out = new StringBuilder(v.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '\\', '"', '\'', '^' -> { }
        case ',', ';' -> out.append(' ');
        case '/', '(' -> {
          while (out.length() > 0 && out.charAt(out.length() - 1) == ' ') {
            out.setLength(out.length() - 1);
          }
          out.append(c);
        }
        default -> out.append(isSpace(c) ? ' ' : Character.toLowerCase(c));
      }
    }
    return squeeze(out.toString(), true);
  }
}
