package dev.gantry.gateway.spec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A route that fans out to several services or upstreams at once and answers one JSON document
 * with a member per part: {@code aggregate: {parts: [{name: product, service: catalog,
 * path: /products/{id}, timeout-ms: 500, required: true}, ...]}}. {@code {name}} in a part's path
 * is the route's path parameter {@code name}; {@code {query.name}} the request's query parameter.
 */
public record AggregateSpec(List<Part> parts) {
  /** Where a part's path takes values from the request: {@code {id}} or {@code {query.q}}. */
  public static final Pattern PLACEHOLDER = Pattern.compile("\\{(query\\.)?([A-Za-z_][A-Za-z0-9_-]*)}");

  /**
   * @param service  the event-bus service called, or null
   * @param upstream the upstream pool called, or null
   * @param path     the path (and query) template
   * @param timeoutMillis how long the part may take, or 0 for the route's deadline
   * @param required whether the whole answer fails when this part does
   */
  public record Part(String name, String service, String upstream, String path, long timeoutMillis, boolean required) {
    /** The route path parameters the path names. */
    public Set<String> pathParameters() {
      Set<String> names = new HashSet<>();
      Matcher m = PLACEHOLDER.matcher(path);
      while (m.find()) {
        if (m.group(1) == null) {
          names.add(m.group(2));
        }
      }
      return names;
    }
  }

  public AggregateSpec {
    parts = List.copyOf(parts);
  }

  static AggregateSpec read(SpecReader r) {
    r.only(Set.of("parts"));
    List<SpecReader> readers = r.objects("parts");
    if (readers.isEmpty()) {
      throw SpecReader.invalid(r.path("parts"), "needs at least one part");
    }
    if (readers.size() > 32) {
      throw SpecReader.invalid(r.path("parts"), "at most 32 parts, got " + readers.size());
    }
    List<Part> parts = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (SpecReader p : readers) {
      p.only(Set.of("name", "service", "upstream", "path", "timeout-ms", "required"));
      String name = p.string("name");
      if (!name.matches("[A-Za-z_][A-Za-z0-9_-]{0,63}")) {
        throw SpecReader.invalid(p.path("name"), "must be a name of letters, digits, - and _, got " + name);
      }
      if (!names.add(name)) {
        throw SpecReader.invalid(p.path("name"), "another part is named " + name);
      }
      if (p.has("service") == p.has("upstream")) {
        throw SpecReader.invalid(p.path("service"), "exactly one of service or upstream is required");
      }
      String path = p.string("path");
      if (!path.startsWith("/") || path.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
        throw SpecReader.invalid(p.path("path"), "must start with / and hold no spaces or control characters");
      }
      if (path.replaceAll(PLACEHOLDER.pattern(), "").matches(".*[{}].*")) {
        throw SpecReader.invalid(p.path("path"), "a placeholder is {name} or {query.name}");
      }
      parts.add(new Part(name, p.string("service", null), p.string("upstream", null), path,
          p.integer("timeout-ms", 0, 1, 600_000), p.bool("required", false)));
      p.done();
    }
    r.done();
    return new AggregateSpec(parts);
  }
}
