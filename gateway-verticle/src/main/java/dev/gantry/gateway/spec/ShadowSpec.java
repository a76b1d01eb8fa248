package dev.gantry.gateway.spec;

import java.util.List;

/**
 * Copies {@code percent} of a route's requests to another target. The copy's response is compared
 * with the primary's (status, and JSON body without {@code ignoreFields}) and then discarded.
 */
public record ShadowSpec(TargetSpec target, double percent, boolean nonIdempotent,
    List<String> ignoreFields) {
  static ShadowSpec read(SpecReader r) {
    if (r == null) {
      return null;
    }
    TargetSpec target = TargetSpec.read(r, false);
    if (target.kind() != TargetSpec.Kind.UPSTREAM) {
      throw SpecReader.invalid(r.path(target.kind() == TargetSpec.Kind.SERVICE ? "service" : "static"),
          "a shadow goes to an upstream; service and static shadows are not supported");
    }
    ShadowSpec spec = new ShadowSpec(target, r.integer("percent", 100, 0, 100),
        r.bool("non-idempotent", false), r.strings("ignore-fields"));
    r.done();
    return spec;
  }
}
