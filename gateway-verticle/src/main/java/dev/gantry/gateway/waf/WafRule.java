package dev.gantry.gateway.waf;

import java.util.List;

/**
 * One rule: when all its conditions hold, the request's anomaly score grows by the rule's
 * severity. A rule runs at its paranoia level and above.
 *
 * @param id         its number (the default set numbers as the Core Rule Set does: 942xxx is SQL injection)
 * @param attack     the class of attack, such as {@code sqli}, for logs and metrics
 * @param severity   what a match adds to the score: 5 critical, 4 error, 3 warning, 2 notice
 * @param conditions each must hold; the first one's match is what gets logged
 */
record WafRule(int id, String message, String attack, int severity, int paranoia, List<Condition> conditions) {
  static final List<String> SEVERITIES = List.of("notice", "warning", "error", "critical");

  /** Score of a severity name: notice 2 … critical 5. */
  static int score(String severity) {
    return SEVERITIES.indexOf(severity) + 2;
  }

  /**
   * Where a condition looks, what it does to each value first and how it tests it.
   *
   * @param chain the number of its transform chain, which keys the per-request cache
   */
  record Condition(List<Target> targets, Transform[] transforms, int chain, Operator operator, boolean negate,
      Target[] include, Target[] exclude) {
    Condition(List<Target> targets, Transform[] transforms, int chain, Operator operator, boolean negate) {
      this(targets, transforms, chain, operator, negate, targets.stream().filter(t -> !t.exclude()).toArray(Target[]::new),
          targets.stream().filter(Target::exclude).toArray(Target[]::new));
    }
  }
}
