package dev.gantry.gateway.spec;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a request must look like. {@code path} is exact ({@code /a/b}), a prefix ({@code /a/**})
 * or a template ({@code /users/{id}}); an empty method list matches every method; a header or
 * query value of {@code *} only asks for presence. A path holding an encoded slash ({@code %2F})
 * is refused with 400 unless {@code allowEncodedSlash} (YAML {@code allow-encoded-slash: true}).
 */
public record MatchSpec(String path, List<String> methods, String host, Map<String, String> headers,
    Map<String, String> query, boolean allowEncodedSlash) {
  static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

  static MatchSpec read(SpecReader r) {
    String path = r.string("path");
    if (!path.startsWith("/")) {
      throw SpecReader.invalid(r.path("path"), "must start with /");
    }
    List<String> methods = r.strings("methods").stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
    for (int i = 0; i < methods.size(); i++) {
      if (!METHODS.contains(methods.get(i))) {
        throw SpecReader.invalid(r.path("methods") + "[" + i + "]", "not an HTTP method: " + methods.get(i));
      }
    }
    MatchSpec spec = new MatchSpec(path, methods, r.string("host", null), r.stringMap("headers"),
        r.stringMap("query"), r.bool("allow-encoded-slash", false));
    r.done();
    return spec;
  }
}
