package dev.gantry.gateway.waf;

import dev.gantry.codecs.Failure;
import dev.gantry.gateway.edge.Framing;
import dev.gantry.gateway.observe.RecentBlocks;
import dev.gantry.gateway.observe.SafeText;
import dev.gantry.gateway.policy.Policy;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code waf} policy: reads the request (and its body, when its Content-Type is one the WAF
 * parses), runs the rules of its paranoia level and adds each matching rule's severity to an
 * anomaly score. At the threshold it blocks with 403 problem+json naming the rule — or, in
 * {@code detect} mode, lets the request through and logs what it would have blocked. Either way
 * the decision is logged once, with the matched field and a short excerpt (never a whole value),
 * counted per rule in {@code gantry_waf_rule_matches_total} and kept for the console.
 */
public final class Waf implements Policy {
  private static final Logger LOG = LoggerFactory.getLogger(Waf.class);
  private static final int EXCERPT = 48;

  private final WafConfig config;
  private final WafRule[] rules;
  /** Per rule (same index): its exclusions, or null. */
  private final Exclusion[][] exclusions;
  private final WafRequest.Chains chains;
  /** Per transform chain (the last slot: none), the literals of its conditions' regexes in one automaton. */
  private final LiteralScan[] scans;
  /** Per rule (same index), its conditions' numbers, which key the per-request memo of outcomes. */
  private final int[][] ids;
  private final int conditionCount;
  private final MeterRegistry registry;
  private final RecentBlocks blocks;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  Waf(WafConfig config, PolicyRuntime runtime) {
    this.config = config;
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
    java.util.Map<List<Transform>, Integer> chainIds = new java.util.HashMap<>();
    for (WafRule rule : config.rules()) {
      for (WafRule.Condition c : rule.conditions()) {
        if (c.transforms().length > 0) {
          chainIds.put(List.of(c.transforms()), c.chain());
        }
      }
    }
    this.chains = new WafRequest.Chains(chainIds.keySet(), chainIds::get);
    java.util.Map<Integer, java.util.Map<Integer, java.util.Set<String>>> literals = new java.util.HashMap<>();
    this.ids = new int[rules.length][];
    int next = 0;
    for (int i = 0; i < rules.length; i++) {
      List<WafRule.Condition> conditions = rules[i].conditions();
      this.ids[i] = new int[conditions.size()];
      for (int j = 0; j < conditions.size(); j++) {
        WafRule.Condition c = conditions.get(j);
        this.ids[i][j] = next;
        if (c.operator() instanceof Operator.Regex rx && rx.prefilter() != null) {
          literals.computeIfAbsent(slot(c), k -> new java.util.HashMap<>()).put(next, rx.prefilter().literals());
        }
        next++;
      }
    }
    this.conditionCount = next;
    int count = next;
    this.scans = new LiteralScan[chains.size() + 1];
    literals.forEach((slot, byCondition) -> scans[slot] = new LiteralScan(byCondition, count));
    this.registry = runtime.registry();
    this.blocks = runtime.blocks();
  }

  @Override
  public Future<Reply> apply(RouteExchange exchange, Next next) {
    HttpServerRequest req = exchange.request();
    if (Framing.hasBody(req) && inspected(req.getHeader("Content-Type"))) {
      return exchange.body(config.inspectBodyBytes(), "the WAF's inspection (inspect-body-bytes)")
          .compose(body -> decide(exchange, body, next));
    }
    return decide(exchange, exchange.heldBody(), next);
  }

  @Override
  public boolean appliesToUpgrade() {
    return true;
  }

  /** Bodies the WAF reads: text it can parse. Binary uploads stream on, unread. */
  static boolean inspected(String contentType) {
    if (contentType == null) {
      return true; // undeclared: read as text, so that nothing escapes by leaving the header out
    }
    String t = contentType.toLowerCase(Locale.ROOT).strip();
    return t.isEmpty() || t.startsWith("application/x-www-form-urlencoded") || t.startsWith("multipart/")
        || t.startsWith("application/json") || t.contains("+json") || t.contains("json") || t.startsWith("text/")
        || t.contains("xml") || t.startsWith("application/graphql") || t.startsWith("application/javascript");
  }

  /** Bodies larger than this are inspected on a worker thread, so that no event loop waits for them. */
  static final int OFF_LOOP_BYTES = 64 * 1024;

  private Future<Reply> decide(RouteExchange exchange, Buffer body, Next next) {
    io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
    if (body != null && body.length() > OFF_LOOP_BYTES && context != null) {
      // the request is only read there; its answer is written back on the event loop
      return context.executeBlocking(() -> evaluate(WafRequest.of(exchange.request(), body), exchange.routeId()), false)
          .compose(verdict -> decide(exchange, verdict, next));
    }
    return decide(exchange, evaluate(WafRequest.of(exchange.request(), body), exchange.routeId()), next);
  }

  private Future<Reply> decide(RouteExchange exchange, Verdict verdict, Next next) {
    if (verdict.hits.isEmpty()) {
      return next.proceed(exchange);
    }
    boolean over = verdict.score >= config.threshold();
    boolean blocking = over && config.block();
    Hit first = verdict.hits.get(0);
    String action = blocking ? "blocked" : over ? "detected" : "scored";
    for (Hit hit : verdict.hits) {
      count(hit.rule, action);
    }
    exchange.decide("waf", action + " " + ids(verdict) + " score=" + verdict.score);
    if (over) {
      String excerpt = SafeText.of(first.matched.length() > EXCERPT ? first.matched.substring(0, EXCERPT) + "…"
          : first.matched);
      String requestId = exchange.envelope() == null ? null : exchange.envelope().requestId();
      LOG.warn("waf {} request: rule {} ({}) matched {} at {}", blocking ? "blocked" : "would block",
          first.rule.id(), first.rule.message(), SafeText.of(first.field.variable()), excerpt);
      blocks.add(new RecentBlocks.Block(System.currentTimeMillis(), blocking, first.rule.id(), first.rule.attack(),
          first.field.variable(), excerpt, verdict.score, exchange.routeId(), exchange.request().method().name(),
          SafeText.of(exchange.request().path()), requestId));
    }
    if (blocking) {
      return Future.succeededFuture(Reply.problem(Failure.FORBIDDEN, "request: blocked by WAF rule "
          + first.rule.id() + " (" + first.rule.message() + ") in " + SafeText.of(first.field.variable())
          + "; anomaly score " + verdict.score + ", threshold " + config.threshold()));
    }
    return next.proceed(exchange);
  }

  private static String ids(Verdict verdict) {
    StringBuilder out = new StringBuilder();
    for (Hit hit : verdict.hits) {
      out.append(out.length() == 0 ? "" : ",").append(hit.rule.id());
    }
    return out.toString();
  }

  private void count(WafRule rule, String action) {
    counters.computeIfAbsent(rule.id() + action, k -> Counter.builder("gantry_waf_rule_matches")
        .description("Requests a WAF rule matched, by what the WAF then did")
        .tag("rule", String.valueOf(rule.id())).tag("class", rule.attack()).tag("action", action)
        .register(registry)).increment();
  }

  /**
   * Inspects a request given as parts, outside the request path (benchmarks, tools): the score
   * and the ids of the rules that matched, most severe first.
   *
   * @param query the raw query string, or null
   * @param body  the body, or null
   */
  public Inspection inspect(String method, String path, String query, MultiMap headers, Buffer body) {
    Verdict v = evaluate(WafRequest.of(method, path, query, headers, "http/1.1", body), null);
    return new Inspection(v.score, v.hits.stream().map(h -> h.rule.id()).toList());
  }

  /** What {@link #inspect} found. */
  public record Inspection(int score, List<Integer> rules) {}

  record Hit(WafRule rule, Field field, String matched) {}

  record Verdict(int score, List<Hit> hits) {}

  /** Runs the rules; in block mode it stops once the score reaches the threshold. */
  Verdict evaluate(WafRequest request, String routeId) {
    int score = 0;
    List<Hit> hits = List.of();
    for (int i = 0; i < rules.length; i++) {
      WafRule rule = rules[i];
      Hit hit = match(request, rule, ids[i], exclusions[i], routeId);
      if (hit != null) {
        if (hits.isEmpty()) {
          hits = new ArrayList<>(2);
        }
        hits.add(hit);
        score += rule.severity();
        if (config.block() && score >= config.threshold()) {
          break;
        }
      }
    }
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
      for (Field field : request.fields(target.collection())) {
        if (!target.covers(field) || condition.exclude().length > 0 && left(condition, field)
            || excluded != null && spared(excluded, field, routeId)) {
          continue;
        }
        byte known = request.outcome(id, conditions, field);
        if (known == 1) {
          continue; // this text was tested already, in another field
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
