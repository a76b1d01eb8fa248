package dev.gantry.gateway.waf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code waf} policy's rules compiled for evaluation: the rules of its paranoia level less those
 * excluded everywhere, each condition numbered (the per-request memo of outcomes is keyed by it),
 * the transform chains planned to share prefixes, and each chain's regex literals in one
 * automaton. {@link #evaluate} is called on any thread: the rules are immutable, and the memo of
 * what values did not match ({@link KnownMisses}) is safe to share.
 */
final class RuleSet {
  private final boolean block;
  private final int threshold;
  private final WafRule[] rules;
  /** Per rule (same index): its exclusions, or null. */
  private final Exclusion[][] exclusions;
  private final WafRequest.Chains chains;
  /** Per transform chain (the last slot: none), the literals of its conditions' regexes in one automaton. */
  private final LiteralScan[] scans;
  /** Per rule (same index), its conditions' numbers, which key the per-request memo of outcomes. */
  private final int[][] ids;
  private final int conditionCount;
  /** Across requests, the conditions values are known not to match; null when not kept. */
  private final KnownMisses misses;
  /** Every place a condition looks (a collection, or one field of it by name), once each. */
  private final Target[] places;
  /** Per place (same index): the conditions that look there, as bits by condition number. */
  private final long[][] lookingAt;
  /** Per rule (same index): its conditions, as bits by condition number. */
  private final long[][] ruleConditions;

  RuleSet(WafConfig config) {
    this(config, true);
  }

  /** @param remember whether to keep, across requests, which conditions values did not match ({@link KnownMisses}) */
  RuleSet(WafConfig config, boolean remember) {
    this.misses = remember ? new KnownMisses() : null;
    this.block = config.block();
    this.threshold = config.threshold();
    List<WafRule> active = config.rules().stream().filter(r -> r.paranoia() <= config.paranoia()).toList();
    List<WafRule> kept = new ArrayList<>();
    List<Exclusion[]> excluded = new ArrayList<>();
    for (WafRule rule : active) {
      List<Exclusion> own = config.exclusions().stream().filter(e -> e.covers(rule.id())).toList();
      if (own.stream().anyMatch(e -> e.target() == null && e.routes().isEmpty())) {
        continue; // off everywhere
      }
      kept.add(rule);
      excluded.add(own.isEmpty() ? null : own.toArray(Exclusion[]::new));
    }
    this.rules = kept.toArray(WafRule[]::new);
    this.exclusions = excluded.toArray(Exclusion[][]::new);
    Map<List<Transform>, Integer> chainIds = new HashMap<>();
    for (WafRule rule : config.rules()) {
      for (WafRule.Condition c : rule.conditions()) {
        if (c.transforms().length > 0) {
          chainIds.put(List.of(c.transforms()), c.chain());
        }
      }
    }
    this.chains = new WafRequest.Chains(chainIds.keySet(), chainIds::get);
    Map<Integer, Map<Integer, Set<String>>> literals = new HashMap<>();
    this.ids = new int[rules.length][];
    int next = 0;
    for (int i = 0; i < rules.length; i++) {
      List<WafRule.Condition> conditions = rules[i].conditions();
      this.ids[i] = new int[conditions.size()];
      for (int j = 0; j < conditions.size(); j++) {
        WafRule.Condition c = conditions.get(j);
        this.ids[i][j] = next;
        if (c.operator() instanceof Operator.Regex rx && rx.prefilter() != null) {
          literals.computeIfAbsent(slot(c), k -> new HashMap<>()).put(next, rx.prefilter().literals());
        }
        next++;
      }
    }
    this.conditionCount = next;
    int words = (next + 63) >>> 6;
    Map<Target, long[]> looking = new java.util.LinkedHashMap<>();
    this.ruleConditions = new long[rules.length][words];
    for (int i = 0; i < rules.length; i++) {
      List<WafRule.Condition> conditions = rules[i].conditions();
      for (int j = 0; j < conditions.size(); j++) {
        int id = ids[i][j];
        ruleConditions[i][id >>> 6] |= 1L << id;
        for (Target t : conditions.get(j).include()) {
          looking.computeIfAbsent(t, k -> new long[words])[id >>> 6] |= 1L << id;
        }
      }
    }
    this.places = looking.keySet().toArray(Target[]::new);
    this.lookingAt = looking.values().toArray(long[][]::new);
    int count = next;
    this.scans = new LiteralScan[chains.size() + 1];
    literals.forEach((slot, byCondition) -> scans[slot] = new LiteralScan(byCondition, count));
  }

  record Hit(WafRule rule, Field field, String matched) {}

  record Verdict(int score, List<Hit> hits) {}

  /**
   * Runs the rules; in block mode it stops once the score reaches the threshold. What it finds
   * does not match a value is remembered for later requests ({@link KnownMisses}); the verdict is
   * the same as without.
   */
  Verdict evaluate(WafRequest request, String routeId) {
    request.recall(misses);
    long[] clean = misses == null ? null : request.cleanConditions(places, lookingAt, conditionCount);
    int score = 0;
    List<Hit> hits = List.of();
    for (int i = 0; i < rules.length; i++) {
      if (clean != null && anyOf(clean, ruleConditions[i])) {
        continue; // a condition of it is known to match nothing anywhere it looks: the rule cannot match
      }
      WafRule rule = rules[i];
      Hit hit = match(request, rule, ids[i], exclusions[i], routeId);
      if (hit != null) {
        if (hits.isEmpty()) {
          hits = new ArrayList<>(2);
        }
        hits.add(hit);
        score += rule.severity();
        if (block && score >= threshold) {
          break;
        }
      }
    }
    request.teach();
    if (hits.size() > 1) { // the most severe match is the one named
      hits.sort((a, b) -> Integer.compare(b.rule.severity(), a.rule.severity()));
    }
    return new Verdict(score, hits);
  }

  private Hit match(WafRequest request, WafRule rule, int[] conditionIds, Exclusion[] excluded, String routeId) {
    Hit first = null;
    List<WafRule.Condition> conditions = rule.conditions();
    for (int j = 0; j < conditions.size(); j++) {
      Hit hit = match(request, rule, conditions.get(j), conditionIds[j], excluded, routeId);
      if (hit == null) {
        return null;
      }
      if (first == null) {
        first = hit;
      }
    }
    return first;
  }

  private Hit match(WafRequest request, WafRule rule, WafRule.Condition condition, int id, Exclusion[] excluded,
      String routeId) {
    int conditions = conditionCount;
    for (Target target : condition.include()) {
      if (request.knownCleanInAll(target.collection(), id)) {
        continue; // every field it could look at is known not to match
      }
      List<Field> fields = request.fields(target.collection());
      for (int f = 0, n = fields.size(); f < n; f++) {
        Field field = fields.get(f);
        if (!target.covers(field) || condition.exclude().length > 0 && left(condition, field)
            || excluded != null && spared(excluded, field, routeId)) {
          continue;
        }
        byte known = request.outcome(id, conditions, field);
        if (known == 1) {
          continue; // this text was tested already, in another field or an earlier request
        }
        String value = request.value(field, condition.transforms().length == 0 ? -1 : condition.chain(), chains);
        String found;
        boolean matched;
        try {
          if (condition.operator() instanceof Operator.Regex rx && rx.prefilter() != null) {
            int slot = slot(condition);
            long[] present = request.literals(slot, scans.length, field, scans[slot], value);
            found = (present[id >>> 6] & 1L << (id & 63)) == 0 ? null : rx.run(value);
          } else {
            found = condition.operator().find(value);
          }
          matched = condition.negate() ? found == null : found != null;
        } catch (BoundedText.Exhausted e) {
          found = "(too costly to inspect: refused unread)";
          matched = true;
        }
        request.outcome(id, conditions, field, matched);
        if (matched) {
          return new Hit(rule, field, found == null ? value : found);
        }
      }
    }
    return null;
  }

  private static boolean anyOf(long[] a, long[] b) {
    for (int w = 0; w < b.length; w++) {
      if ((a[w] & b[w]) != 0) {
        return true;
      }
    }
    return false;
  }

  /** How many rules the memo alone rules out for {@code request} (for tests). */
  int knownClean(WafRequest request) {
    if (misses == null) {
      return 0;
    }
    request.recall(misses);
    long[] clean = request.cleanConditions(places, lookingAt, conditionCount);
    request.teach();
    int n = 0;
    for (long[] conditions : ruleConditions) {
      n += anyOf(clean, conditions) ? 1 : 0;
    }
    return n;
  }

  int rules() {
    return rules.length;
  }

  /** How many values the memo of misses holds (for tests). */
  int remembered() {
    return misses == null ? 0 : misses.size();
  }

  /** The slot of a condition's transform chain among {@link #scans}. */
  private int slot(WafRule.Condition c) {
    return c.transforms().length == 0 ? chains.size() : c.chain();
  }

  private static boolean left(WafRule.Condition condition, Field field) {
    for (Target t : condition.exclude()) {
      if (t.covers(field)) {
        return true;
      }
    }
    return false;
  }

  private static boolean spared(Exclusion[] excluded, Field field, String routeId) {
    for (Exclusion e : excluded) {
      if (e.appliesOn(routeId) && (e.target() == null || e.target().covers(field))) {
        return true;
      }
    }
    return false;
  }
}
