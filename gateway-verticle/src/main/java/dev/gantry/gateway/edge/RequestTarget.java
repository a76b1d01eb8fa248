package dev.gantry.gateway.edge;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;

/**
 * A request target after the gateway's one normalisation: the path every later step matches,
 * rewrites and forwards, and the query as received (checked, not changed).
 *
 * <p>The path is normalised as RFC 3986 says and no further: dot segments removed (never above
 * the root), empty segments collapsed, percent-encoded unreserved characters decoded and every
 * other percent-encoding written with upper-case hex. What would let a path mean one thing here
 * and another upstream is refused: an encoded dot segment ({@code %2e%2e}), a dot segment with
 * parameters ({@code ..;x}, which servlet containers strip), a backslash raw or encoded, NUL and
 * other control characters raw or encoded, invalid percent-encoding, percent-encoded bytes that
 * are not UTF-8, raw bytes outside ASCII and a fragment. An encoded slash ({@code %2F}) is kept
 * encoded and flagged, so a route decides whether it accepts one; a segment hiding a dot segment
 * behind encoded slashes ({@code ..%2F}) is refused always.
 *
 * @param path         the normalised path, starting with {@code /}
 * @param query        the query without {@code ?}, or null
 * @param authority    the authority of an absolute-form target ({@code http://host/path}), or null
 * @param encodedSlash whether the path holds an encoded slash
 */
public record RequestTarget(String path, String query, String authority, boolean encodedSlash) {
  private static final String HEX = "0123456789ABCDEF";

  /** Path and query as they go upstream. */
  public String uri() {
    return query == null ? path : path + "?" + query;
  }

  /**
   * Parses and normalises a request target (origin-form or absolute-form).
   *
   * @throws ServiceException (400) naming what is wrong with it
   */
  public static RequestTarget parse(String target) {
    if (target == null || target.isEmpty()) {
      throw bad("request target: empty");
    }
    String authority = null;
    int start = 0;
    if (target.charAt(0) != '/') {
      int scheme = schemeLength(target);
      if (scheme < 0) {
        throw bad("request target: must be a path starting with / or an absolute http(s) URL");
      }
      int end = scheme;
      while (end < target.length() && target.charAt(end) != '/' && target.charAt(end) != '?'
          && target.charAt(end) != '#') {
        end++;
      }
      authority = target.substring(scheme, end);
      if (authority.isEmpty()) {
        throw bad("request target: absolute URL without a host");
      }
      start = end;
    }
    int queryAt = target.indexOf('?', start);
    int pathEnd = queryAt < 0 ? target.length() : queryAt;
    String query = queryAt < 0 ? null : checkQuery(target, queryAt + 1);
    if (start == pathEnd) {
      return new RequestTarget("/", query, authority, false);
    }
    if (isClean(target, start, pathEnd)) {
      return new RequestTarget(target.substring(start, pathEnd), query, authority, false);
    }
    return normalise(target, start, pathEnd, query, authority);
  }

  /** Length of {@code http://} or {@code https://} at the start, any case; -1 for anything else. */
  private static int schemeLength(String target) {
    if (target.regionMatches(true, 0, "http://", 0, 7)) {
      return 7;
    }
    return target.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
  }

  /**
   * Whether the path is already in normal form: only unreserved characters, sub-delimiters,
   * {@code :} {@code @} and single slashes, and no segment starting with a dot. Most paths are,
   * and they are used as they are.
   */
  private static boolean isClean(String s, int from, int to) {
    char previous = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '/') {
        if (previous == '/') {
          return false;
        }
      } else if (c == '.') {
        if (previous == '/') {
          return false;
        }
      } else if (!isPathChar(c)) {
        return false;
      }
      previous = c;
    }
    return true;
  }

  private static boolean isPathChar(char c) {
    return isUnreserved(c) || c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')'
        || c == '*' || c == '+' || c == ',' || c == ';' || c == '=' || c == ':' || c == '@';
  }

  static boolean isUnreserved(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~';
  }

  private static RequestTarget normalise(String s, int from, int to, String query, String authority) {
    if (s.charAt(from) != '/') {
      throw bad("path: must start with /");
    }
    StringBuilder out = new StringBuilder(to - from + 8);
    int i = from + 1; // past the leading slash
    while (true) {
      int end = s.indexOf('/', i);
      if (end < 0 || end > to) {
        end = to;
      }
      Segment segment = segment(s, i, end);
      boolean last = end >= to;
      if (segment.text.isEmpty()) {
        if (last) {
          out.append('/'); // a trailing slash is kept; inner empty segments collapse
        }
      } else if (segment.isDot() || segment.isDotDot()) {
        if (segment.dotEncoded) {
          throw bad("path: encoded dot segment (" + s.substring(i, end) + ")");
        }
        if (segment.isDotDot()) {
          int cut = out.lastIndexOf("/");
          out.setLength(Math.max(cut, 0));
        }
        if (last) {
          out.append('/');
        }
      } else {
        out.append('/').append(segment.text);
      }
      if (last) {
        break;
      }
      i = end + 1;
    }
    if (out.length() == 0) {
      out.append('/');
    }
    // from what is left: a segment with an encoded slash that a later ".." removed leaves none
    return new RequestTarget(out.toString(), query, authority, out.indexOf("%2F") >= 0);
  }

  /** One segment, decoded where RFC 3986 allows and checked. */
  private static final class Segment {
    final String text;
    final boolean dotEncoded;

    Segment(String text, boolean dotEncoded) {
      this.text = text;
      this.dotEncoded = dotEncoded;
    }

    boolean isDot() {
      return text.equals(".");
    }

    boolean isDotDot() {
      return text.equals("..");
    }
  }

  private static Segment segment(String s, int from, int to) {
    StringBuilder text = new StringBuilder(to - from);
    boolean dotEncoded = false;
    boolean encodedSlash = false;
    int i = from;
    while (i < to) {
      char c = s.charAt(i);
      if (c == '%') {
        int b = hexByte(s, i, to, "path");
        if (b < 0x80) {
          checkDecodedAscii(b);
          if (isUnreserved(b)) {
            text.append((char) b);
            dotEncoded |= b == '.';
          } else {
            encodedSlash |= b == '/';
            appendEncoded(text, b);
          }
          i += 3;
        } else {
          i = utf8Sequence(s, i, to, b, text);
        }
      } else {
        checkRaw(c);
        if (isPathChar(c) || c == '.') {
          text.append(c);
        } else {
          appendEncoded(text, c); // " < > ^ ` { | } are written percent-encoded
        }
        i++;
      }
    }
    String value = text.toString();
    if (isDotSegment(withoutParameters(value)) && !isDotSegment(value)) {
      throw bad("path: dot segment with parameters (" + s.substring(from, to) + ")");
    }
    if (encodedSlash) {
      for (String piece : value.split("%2F", -1)) {
        if (isDotSegment(withoutParameters(piece))) {
          throw bad("path: dot segment behind an encoded slash (" + s.substring(from, to) + ")");
        }
      }
    }
    return new Segment(value, dotEncoded);
  }

  private static boolean isDotSegment(String segment) {
    return segment.equals(".") || segment.equals("..");
  }

  /**
   * A segment up to its parameters, raw ({@code ;}) or encoded ({@code %3B}): servlet containers
   * strip either before they resolve dot segments, so {@code ..;x} and {@code ..%3Bx} are dots there.
   */
  private static String withoutParameters(String segment) {
    int raw = segment.indexOf(';');
    int encoded = segment.indexOf("%3B");
    int cut = raw < 0 ? encoded : encoded < 0 ? raw : Math.min(raw, encoded);
    return cut < 0 ? segment : segment.substring(0, cut);
  }

  /** Validates a percent-encoded UTF-8 sequence starting at {@code i}; appends it encoded. */
  private static int utf8Sequence(String s, int i, int to, int lead, StringBuilder text) {
    int length;
    int min;
    int codePoint;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      min = 0x80;
      codePoint = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      min = 0x800;
      codePoint = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      min = 0x10000;
      codePoint = lead & 0x07;
    } else {
      throw bad("path: percent-encoded bytes are not UTF-8 (%" + hex2(lead) + ")");
    }
    appendEncoded(text, lead);
    int at = i + 3;
    for (int k = 1; k < length; k++) {
      if (at >= to || s.charAt(at) != '%') {
        throw bad("path: percent-encoded bytes are not UTF-8 (truncated sequence)");
      }
      int b = hexByte(s, at, to, "path");
      if ((b & 0xC0) != 0x80) {
        throw bad("path: percent-encoded bytes are not UTF-8 (%" + hex2(b) + ")");
      }
      codePoint = (codePoint << 6) | (b & 0x3F);
      appendEncoded(text, b);
      at += 3;
    }
    if (codePoint < min || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
      throw bad("path: percent-encoded bytes are not UTF-8 (overlong or out-of-range sequence)");
    }
    return at;
  }

  private static void checkDecodedAscii(int b) {
    if (b < 0x20 || b == 0x7F) {
      throw bad("path: encoded control character (%" + hex2(b) + ")");
    }
    if (b == '\\') {
      throw bad("path: encoded backslash (%5C)");
    }
  }

  private static void checkRaw(char c) {
    if (c < 0x20 || c == 0x7F) {
      throw bad("path: control character 0x" + hex2(c));
    }
    if (c == '\\') {
      throw bad("path: backslash");
    }
    if (c == ' ') {
      throw bad("path: space (percent-encode it as %20)");
    }
    if (c == '#') {
      throw bad("path: fragment (#) in a request target");
    }
    if (c > 0x7E) {
      throw bad("path: raw byte outside ASCII (percent-encode it)");
    }
  }

  /** The byte a {@code %XX} at {@code i} encodes. */
  private static int hexByte(String s, int i, int to, String where) {
    if (i + 2 >= to) {
      throw bad(where + ": invalid percent-encoding (" + s.substring(i, to) + ")");
    }
    int high = hexDigit(s.charAt(i + 1));
    int low = hexDigit(s.charAt(i + 2));
    if (high < 0 || low < 0) {
      throw bad(where + ": invalid percent-encoding (" + s.substring(i, i + 3) + ")");
    }
    return high << 4 | low;
  }

  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }

  /**
   * The query is passed on as received, after checking it: no control characters, spaces, raw
   * bytes outside ASCII or fragment, and every {@code %} followed by two hex digits.
   */
  private static String checkQuery(String s, int from) {
    int to = s.length();
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        throw bad("query: control character 0x" + hex2(c));
      }
      if (c == ' ') {
        throw bad("query: space (percent-encode it as %20)");
      }
      if (c == '#') {
        throw bad("query: fragment (#) in a request target");
      }
      if (c > 0x7E) {
        throw bad("query: raw byte outside ASCII (percent-encode it)");
      }
      if (c == '%') {
        hexByte(s, i, to, "query");
        i += 2;
      }
    }
    return s.substring(from);
  }

  private static void appendEncoded(StringBuilder out, int b) {
    out.append('%').append(HEX.charAt(b >> 4 & 0xF)).append(HEX.charAt(b & 0xF));
  }

  private static String hex2(int b) {
    return "" + HEX.charAt(b >> 4 & 0xF) + HEX.charAt(b & 0xF);
  }

  private static ServiceException bad(String detail) {
    return new ServiceException(Failure.BAD_REQUEST, detail);
  }
}
