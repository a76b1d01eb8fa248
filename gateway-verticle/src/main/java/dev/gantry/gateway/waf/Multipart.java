package dev.gantry.gateway.waf;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code multipart/*} body (RFC 2046, RFC 7578) for the WAF: each field part's value,
 * each file part's file name (its content is not text to inspect). It reads strictly, because a
 * body two parsers read differently is a way past the WAF: one boundary parameter of 1–70 legal
 * characters, delimiters that are whole lines, one {@code Content-Disposition} per part with one
 * name, no {@code Content-Transfer-Encoding}, a closing delimiter. Anything else is reported as an
 * error, so that what the WAF could not read unambiguously is refused rather than passed unread.
 */
final class Multipart {
  static final int MAX_PARTS = 1000;
  private static final Pattern BOUNDARY = Pattern.compile("(?i);\\s*boundary\\s*=\\s*(?:\"([^\"]*)\"|([^;\\s]*))");
  /** RFC 2046 bchars, not ending in a space. */
  private static final Pattern BCHARS = Pattern.compile("[0-9A-Za-z'()+_,./:=? -]{0,69}[0-9A-Za-z'()+_,./:=?-]");
  private static final Pattern PARAM = Pattern.compile(
      "(?i);\\s*(name|filename)(\\*?)\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^;\\s]*))");

  private Multipart() {}

  static void parse(Buffer body, String contentType, BiConsumer<String, String> field, BiConsumer<String, String> file,
      Consumer<String> error) {
    Matcher b = BOUNDARY.matcher(contentType);
    String boundary = null;
    while (b.find()) {
      if (boundary != null) {
        error.accept("multipart Content-Type with more than one boundary");
        return;
      }
      boundary = b.group(1) != null ? b.group(1) : b.group(2);
    }
    if (boundary == null || !BCHARS.matcher(boundary).matches()) {
      error.accept(boundary == null ? "multipart body without a boundary"
          : "multipart boundary that is not 1-70 legal characters");
      return;
    }
    String text = body.toString(StandardCharsets.ISO_8859_1); // one char per byte: offsets are byte offsets
    String delimiter = "--" + boundary;
    int at = text.startsWith(delimiter) && isDelimiter(text, delimiter.length()) ? 0 : nextDelimiter(text, delimiter, 0);
    if (at < 0) {
      error.accept("multipart body without its boundary");
      return;
    }
    at = text.indexOf(delimiter, at) + delimiter.length();
    for (int parts = 0; ; parts++) {
      if (text.startsWith("--", at)) {
        return; // the closing delimiter
      }
      if (parts == MAX_PARTS) {
        error.accept("more than " + MAX_PARTS + " multipart parts");
        return;
      }
      int headersStart = text.indexOf("\r\n", at);
      int headersEnd = headersStart < 0 ? -1 : text.indexOf("\r\n\r\n", headersStart);
      if (headersStart == headersEnd) {
        headersEnd = headersStart; // a part without headers
      }
      int next = headersEnd < 0 ? -1 : nextDelimiter(text, delimiter, headersEnd + 2);
      if (headersEnd < 0 || next < 0) {
        error.accept("multipart part without an end");
        return;
      }
      String[] part = readHeaders(text.substring(headersStart + 2, headersEnd + 2), error);
      if (part == null) {
        return;
      }
      int contentStart = Math.min(headersEnd + 4, next);
      if (part[1] != null) {
        file.accept(part[0], part[1]);
      } else {
        field.accept(part[0], utf8(text.substring(contentStart, next)));
      }
      at = next + 2 + delimiter.length();
    }
  }

  /** Name and file name (or null) of a part's headers; null after reporting what is wrong with them. */
  private static String[] readHeaders(String headers, Consumer<String> error) {
    String name = null;
    String filename = null;
    int dispositions = 0;
    for (String line : headers.split("\r\n")) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-transfer-encoding:")) {
        error.accept("multipart part with a Content-Transfer-Encoding");
        return null;
      }
      if (!lower.startsWith("content-disposition:")) {
        continue;
      }
      if (++dispositions > 1) {
        error.accept("multipart part with more than one Content-Disposition");
        return null;
      }
      Matcher p = PARAM.matcher(line);
      while (p.find()) {
        String v = utf8(p.group(3) != null ? p.group(3) : p.group(4));
        if (p.group(1).equalsIgnoreCase("name")) {
          if (name != null || !p.group(2).isEmpty()) {
            error.accept("multipart part with more than one name");
            return null;
          }
          name = v;
        } else {
          filename = filename == null ? v : filename + " " + v; // filename and filename*: both are read
        }
      }
    }
    if (name == null) {
      error.accept("multipart part without a field name");
      return null;
    }
    return new String[] {name, filename};
  }

  /** The next {@code CRLF--boundary} that is a whole delimiter line, from {@code from}; -1 if none. */
  private static int nextDelimiter(String text, String delimiter, int from) {
    String line = "\r\n" + delimiter;
    for (int i = text.indexOf(line, from); i >= 0; i = text.indexOf(line, i + 1)) {
      if (isDelimiter(text, i + line.length())) {
        return i;
      }
    }
    return -1;
  }

  /** After a boundary: {@code --} (the last), or optional blanks and CRLF. */
  private static boolean isDelimiter(String text, int after) {
    if (text.startsWith("--", after)) {
      return true;
    }
    int i = after;
    while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
      i++;
    }
    return text.startsWith("\r\n", i);
  }

  private static String utf8(String latin1) {
    return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }
}
