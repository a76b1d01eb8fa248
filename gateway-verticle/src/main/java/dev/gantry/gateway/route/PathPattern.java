package dev.gantry.gateway.route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled path pattern: exact ({@code /a/b}), prefix ({@code /a/**}, matching {@code /a} and
 * everything under it) or template ({@code /users/{id}}, one segment per parameter).
 */
public final class PathPattern {
  public enum Kind { PREFIX, TEMPLATE, EXACT }

  private final String source;
  private final Kind kind;
  private final String literal;
  private final String[] segments;
  private final int literalLength;

  private PathPattern(String source, Kind kind, String literal, String[] segments, int literalLength) {
    this.source = source;
    this.kind = kind;
    this.literal = literal;
    this.segments = segments;
    this.literalLength = literalLength;
  }

  public static PathPattern compile(String pattern) {
    if (pattern.endsWith("/**")) {
      String prefix = pattern.substring(0, pattern.length() - 3);
      return new PathPattern(pattern, Kind.PREFIX, prefix, null, prefix.length());
    }
    if (pattern.contains("{")) {
      String[] segments = pattern.substring(1).split("/", -1);
      int literal = 0;
      for (String s : segments) {
        boolean param = s.startsWith("{") && s.endsWith("}") && s.length() > 2;
        if (!param && s.contains("{")) {
          throw new IllegalArgumentException("a parameter must be a whole segment: " + s);
        }
        literal += param ? 1 : s.length() + 1;
      }
      return new PathPattern(pattern, Kind.TEMPLATE, null, segments, literal);
    }
    return new PathPattern(pattern, Kind.EXACT, pattern, null, pattern.length());
  }

  /**
   * The literal first segment every matching path starts with ({@code /a/b} → {@code a}), or
   * null when the pattern accepts any first segment (a parameter there, or the prefix {@code /**}).
   */
  public String firstSegment() {
    String text = kind == Kind.TEMPLATE ? "/" + segments[0] : literal;
    if (text.length() <= 1 || text.startsWith("/{")) {
      return null;
    }
    return firstSegmentOf(text);
  }

  /** The first segment of a path: {@code /a/b} → {@code a}, {@code /} → empty. */
  public static String firstSegmentOf(String path) {
    int start = path.startsWith("/") ? 1 : 0;
    int end = path.indexOf('/', start);
    return end < 0 ? path.substring(start) : path.substring(start, end);
  }

  public Kind kind() {
    return kind;
  }

  /** Characters that must match literally: more is more specific. */
  public int literalLength() {
    return literalLength;
  }

  /** The parameters when {@code path} matches (empty for exact and prefix), or null. */
  public Map<String, String> match(String path) {
    switch (kind) {
      case EXACT:
        return path.equals(literal) ? Map.of() : null;
      case PREFIX:
        if (path.equals(literal) || literal.isEmpty()
            || (path.startsWith(literal) && path.charAt(literal.length()) == '/')) {
          return Map.of();
        }
        return null;
      default:
        return matchTemplate(path);
    }
  }

  private Map<String, String> matchTemplate(String path) {
    if (path.isEmpty() || path.charAt(0) != '/') {
      return null;
    }
    Map<String, String> params = null;
    int start = 1;
    for (int i = 0; i < segments.length; i++) {
      int end = path.indexOf('/', start);
      boolean last = i == segments.length - 1;
      if (last ? end != -1 : end == -1) {
        return null;
      }
      String value = path.substring(start, last ? path.length() : end);
      String segment = segments[i];
      if (segment.startsWith("{")) {
        if (value.isEmpty()) {
          return null;
        }
        if (params == null) {
          params = new LinkedHashMap<>();
        }
        params.put(segment.substring(1, segment.length() - 1), value);
      } else if (!segment.equals(value)) {
        return null;
      }
      start = end + 1;
    }
    return params == null ? Map.of() : params;
  }

  /**
   * The upstream path for a matched request: a prefix route swaps the matched prefix for
   * {@code rewrite}; a template route fills {@code {name}} placeholders; exact routes use it as is.
   */
  public String rewrite(String path, Map<String, String> params, String rewrite) {
    if (rewrite == null) {
      return path;
    }
    if (kind == Kind.PREFIX) {
      String rest = path.substring(literal.length());
      String base = rewrite.endsWith("/") && rest.startsWith("/") ? rewrite.substring(0, rewrite.length() - 1) : rewrite;
      return (base + rest).isEmpty() ? "/" : base + rest;
    }
    String out = rewrite;
    for (Map.Entry<String, String> p : params.entrySet()) {
      out = out.replace("{" + p.getKey() + "}", p.getValue());
    }
    return out;
  }

  /**
   * A {@code Location} a target answered with, mapped back into the route's own path space (as
   * nginx's {@code proxy_redirect default}): on a prefix route, a location under the rewrite
   * target is put back under the route's prefix. Anything else is returned as it is.
   */
  public String unrewrite(String location, String rewrite) {
    if (rewrite == null || kind != Kind.PREFIX || location == null) {
      return location;
    }
    String base = rewrite.endsWith("/") ? rewrite.substring(0, rewrite.length() - 1) : rewrite;
    if (location.equals(base) || location.startsWith(base + "/")) {
      return literal + location.substring(base.length());
    }
    return location;
  }

  /** What a matching path has below a prefix pattern's literal ({@code /ui/} of {@code /graphql/ui/}); "" for the others. */
  public String remainder(String path) {
    return kind == Kind.PREFIX && path.length() >= literal.length() ? path.substring(literal.length()) : "";
  }

  /** Placeholder names, in order (for validating rewrites). */
  public List<String> parameters() {
    List<String> names = new ArrayList<>();
    if (segments != null) {
      for (String s : segments) {
        if (s.startsWith("{")) {
          names.add(s.substring(1, s.length() - 1));
        }
      }
    }
    return names;
  }

  @Override
  public String toString() {
    return source;
  }
}
