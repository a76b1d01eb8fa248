package dev.gantry.gateway.waf;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code multipart/form-data} body (RFC 7578) for the WAF: each field part's value, each
 * file part's file name (its content is not text to inspect). A body that does not hold together
 * — no boundary, no closing delimiter, a part without a name — is reported as an error, so that
 * what the WAF could not read is refused rather than passed unread.
 */
final class Multipart {
  static final int MAX_PARTS = 1000;
  private static final Pattern BOUNDARY = Pattern.compile("(?i);\\s*boundary=(?:\"([^\"]{1,70})\"|([^;\\s]{1,70}))");
  private static final Pattern PARAM = Pattern.compile("(?i);\\s*(name|filename)\\*?=(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^;\\s]*))");

  private Multipart() {}

  static void parse(Buffer body, String contentType, BiConsumer<String, String> field, BiConsumer<String, String> file,
      Consumer<String> error) {
    Matcher b = BOUNDARY.matcher(contentType);
    if (!b.find()) {
      error.accept("multipart body without a boundary");
      return;
    }
    String boundary = b.group(1) != null ? b.group(1) : b.group(2);
    String text = body.toString(StandardCharsets.ISO_8859_1); // one char per byte: offsets are byte offsets
    String delimiter = "--" + boundary;
    int at = text.startsWith(delimiter) ? 0 : text.indexOf("\r\n" + delimiter);
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
      int next = headersEnd < 0 ? -1 : text.indexOf("\r\n" + delimiter, headersEnd + 4);
      if (headersEnd < 0 || next < 0) {
        error.accept("multipart part without an end");
        return;
      }
      String headers = text.substring(headersStart + 2, headersEnd + 2);
      String name = null;
      String filename = null;
      for (String line : headers.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) {
          Matcher p = PARAM.matcher(line);
          while (p.find()) {
            String v = utf8(p.group(2) != null ? p.group(2) : p.group(3));
            if (p.group(1).equalsIgnoreCase("name")) {
              name = v;
            } else {
              filename = v;
            }
          }
        }
      }
      if (name == null) {
        error.accept("multipart part without a field name");
        return;
      }
      if (filename != null) {
        file.accept(name, filename);
      } else {
        field.accept(name, utf8(text.substring(headersEnd + 4, next)));
      }
      at = next + 2 + delimiter.length();
    }
  }

  private static String utf8(String latin1) {
    return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }
}
