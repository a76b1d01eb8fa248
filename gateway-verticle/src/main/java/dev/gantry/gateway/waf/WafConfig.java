package dev.gantry.gateway.waf;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A {@code waf} policy's configuration, validated. Two are equal when they were read from equal
 * configuration (rules hold compiled operators, which do not compare).
 *
 * @param paranoia          1–4: rules of a higher level do not run
 * @param threshold         the anomaly score at which a request is blocked (or, detecting, would be)
 * @param block             true to answer 403, false to only log what would have been blocked
 * @param rules             the default set (unless turned off) and the file's own rules
 * @param exclusions        rules turned off, wholly or for one field or route
 * @param inspectBodyBytes  the most body bytes read for inspection; a longer inspected body gets 413
 * @param source            the configuration it was read from
 */
public record WafConfig(int paranoia, int threshold, boolean block, List<WafRule> rules, List<Exclusion> exclusions,
    int inspectBodyBytes, JsonObject source) {
  @Override
  public boolean equals(Object other) {
    return other instanceof WafConfig c && c.source.equals(source);
  }

  @Override
  public int hashCode() {
    return source.hashCode();
  }
}
