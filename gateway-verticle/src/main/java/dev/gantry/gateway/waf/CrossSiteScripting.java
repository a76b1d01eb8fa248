package dev.gantry.gateway.waf;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A cross-site-scripting detector: it looks for what makes markup run code — a tag that loads or
 * runs something whatever its attributes ({@code <script}, {@code <iframe}, {@code <object},
 * {@code <meta}, {@code <base}, {@code <style}…; not {@code <link>} or {@code <template>}, which
 * read as type names in {@code List<Link>}), an
 * event-handler attribute ({@code onerror=}), a script URL ({@code javascript:alert(1)}, with
 * whitespace or control characters hidden inside), {@code data:text/html}, a CSS
 * {@code expression(}, {@code srcdoc=} and {@code formaction=}. Harmless markup passes:
 * {@code <b>bold</b>}, {@code <p class="note">}, {@code a < b > c}, {@code <3}.
 * Give it decoded values: a rule decodes URL and HTML entities first.
 */
final class CrossSiteScripting {
  private CrossSiteScripting() {}

  /** Tags that load or run something whatever their attributes. */
  private static final Pattern TAG = Pattern.compile(
      "<\\s*/?\\s*(?:script|iframe|frame|frameset|object|embed|applet|meta|base|style|xss|isindex|bgsound)"
          + "(?=[\\s/>]|$)");
  /** An event handler: a separator, {@code on} and a name, then {@code =}. */
  private static final Pattern HANDLER = Pattern.compile("(?:^|[\\s\"'`;/=(,0-9])on[a-z]{3,30}\\s*=(?!=)");
  /** A script scheme followed by code (compacted: whitespace already gone). */
  private static final Pattern SCHEME = Pattern.compile(
      "(?:javascript|vbscript|livescript|mocha|jscript):.*?(?:[(`=\\[<]|[a-z0-9_$\\])]\\.[a-z_$]|\\\\[ux][0-9a-f]|//)");
  private static final Pattern DATA = Pattern.compile("data:(?:text/html|image/svg\\+xml|text/xml|application/"
      + "(?:x-)?(?:javascript|ecmascript|xhtml\\+xml))");
  private static final Pattern ATTRIBUTES = Pattern.compile(
      "<[a-z][^>]{0,2000}?[\\s\"'/](?:srcdoc|formaction|xlink:href|dynsrc|lowsrc|background|datasrc)\\s*=");
  private static final Pattern EXPRESSION = Pattern.compile("[:=]\\s*expression\\s*\\(|-moz-binding\\s*:|"
      + "behavior\\s*:\\s*url");

  /** The suspicious part of {@code value}, or null. */
  static String find(String value) {
    if (!worthReading(value)) {
      return null;
    }
    String v = value.toLowerCase(Locale.ROOT);
    String hit = v.indexOf('<') >= 0 ? first(TAG, v) : null;
    if (hit == null && v.indexOf('=') >= 0 && v.contains("on")) {
      hit = first(HANDLER, v);
    }
    if (hit == null && v.indexOf(':') >= 0) {
      String compact = compact(v);
      if (compact.contains("script:") || compact.contains("mocha:")) {
        hit = first(SCHEME, compact);
      }
      if (hit == null && compact.contains("data:")) {
        hit = first(DATA, compact);
      }
      if (hit == null && (v.contains("expression") || v.contains("-moz-binding") || v.contains("behavior"))) {
        hit = first(EXPRESSION, v);
      }
    }
    if (hit == null && v.indexOf('<') >= 0) {
      hit = first(ATTRIBUTES, v);
    }
    return hit;
  }

  private static boolean worthReading(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '<' || c == '=' || c == ':') {
        return true;
      }
    }
    return false;
  }

  private static String first(Pattern p, String v) {
    String found = BoundedText.find(p, v);
    return found == null ? null : found.strip();
  }

  /** Drops whitespace and control characters, which browsers skip inside a URL's scheme. */
  private static String compact(String v) {
    StringBuilder out = new StringBuilder(v.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c > ' ' && c != 0x7f && c != 0xa0) {
        out.append(c);
      }
    }
    return out.toString();
  }
}
