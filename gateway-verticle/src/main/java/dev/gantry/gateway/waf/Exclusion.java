package dev.gantry.gateway.waf;

import java.util.Set;

/**
 * Turns rules off where they are known to misfire: rules {@code from}–{@code to} (one id when they
 * are equal), everywhere or only on {@code target} ({@code args:comment}), on every route or only
 * on {@code routes}.
 *
 * @param target the field spared, or null for the whole request
 * @param routes route ids it applies on, or empty for all
 */
record Exclusion(int from, int to, Target target, Set<String> routes) {
  boolean covers(int ruleId) {
    return ruleId >= from && ruleId <= to;
  }

  boolean appliesOn(String routeId) {
    return routes.isEmpty() || routes.contains(routeId);
  }
}
