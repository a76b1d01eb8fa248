package dev.gantry.gateway.traffic;

import io.vertx.core.MultiMap;
import java.util.List;

/**
 * The {@code RateLimit-Policy} and {@code RateLimit} fields of draft-ietf-httpapi-ratelimit-headers
 * (-08 and later): structured-field lists with one item per limit, named by a string, as in
 * {@code RateLimit-Policy: "default";q=100;w=60} (quota, window in seconds) and
 * {@code RateLimit: "default";r=42;t=17} (remaining, seconds to reset). Several limit policies on
 * one route each add their own field line; a client reads them as one list.
 */
final class RateLimitFields {
  static final String POLICY = "RateLimit-Policy";
  static final String STATE = "RateLimit";
  static final String RETRY_AFTER = "Retry-After";

  private RateLimitFields() {}

  /** {@code "name";q=limit;w=seconds, ...} for the declared windows. */
  static String policy(List<Window> windows) {
    StringBuilder out = new StringBuilder();
    for (Window w : windows) {
      if (!out.isEmpty()) {
        out.append(", ");
      }
      out.append('"').append(w.name()).append("\";q=").append(w.limit()).append(";w=").append(w.lengthMillis() / 1000);
    }
    return out.toString();
  }

  /** {@code "name";r=remaining;t=reset, ...} after a decision. */
  static String state(Decision decision) {
    StringBuilder out = new StringBuilder();
    for (Decision.Standing s : decision.windows()) {
      if (!out.isEmpty()) {
        out.append(", ");
      }
      out.append('"').append(s.window().name()).append("\";r=").append(s.remaining()).append(";t=")
          .append(s.resetSeconds());
    }
    return out.toString();
  }

  static void put(MultiMap headers, String policy, Decision decision) {
    headers.add(POLICY, policy);
    if (decision != null) {
      headers.add(STATE, state(decision));
    }
  }
}
