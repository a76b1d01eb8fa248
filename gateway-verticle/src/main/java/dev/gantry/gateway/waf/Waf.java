package dev.gantry.gateway.waf;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
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
  private final RuleSet rules;
  private final MeterRegistry registry;
  private final RecentBlocks blocks;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Inspections inspections;

  Waf(WafConfig config, PolicyRuntime runtime) {
    this.config = config;
    this.rules = new RuleSet(config);
    this.registry = runtime.registry();
    this.blocks = runtime.blocks();
    this.inspections = runtime.node().keep(Inspections.class.getName(),
        () -> new Inspections(Runtime.getRuntime().availableProcessors()));
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
        || t.contains("json") || t.startsWith("text/")
        || t.contains("xml") || t.startsWith("application/graphql") || t.startsWith("application/javascript");
  }

  /** Bodies larger than this are inspected on a worker thread, so that no event loop waits for them. */
  static final int OFF_LOOP_BYTES = 64 * 1024;

  private Future<Reply> decide(RouteExchange exchange, Buffer body, Next next) {
    io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
    if (body != null && body.length() > OFF_LOOP_BYTES && context != null) {
      // the request is only read there; its answer is written back on the event loop
      return inspections.run(context, () -> rules.evaluate(WafRequest.of(exchange.request(), body), exchange.routeId()),
              () -> abandoned(exchange))
          .compose(verdict -> decide(exchange, verdict, next));
    }
    return decide(exchange, rules.evaluate(WafRequest.of(exchange.request(), body), exchange.routeId()), next);
  }

  /** Why a waiting inspection is no longer worth its CPU: its client left, or its deadline passed. */
  private static ServiceException abandoned(RouteExchange exchange) {
    if (exchange.request().response().closed()) {
      return new ServiceException(Failure.REQUEST_TIMEOUT, "request: the client left before its body was inspected");
    }
    if (exchange.envelope() != null && System.currentTimeMillis() >= exchange.envelope().deadline()) {
      return new ServiceException(Failure.UNAVAILABLE, "waf: the node is busy inspecting other bodies; this one's "
          + "deadline passed before its turn, try again shortly");
    }
    return null;
  }

  private Future<Reply> decide(RouteExchange exchange, RuleSet.Verdict verdict, Next next) {
    if (verdict.hits().isEmpty()) {
      return next.proceed(exchange);
    }
    boolean over = verdict.score() >= config.threshold();
    boolean blocking = over && config.block();
    RuleSet.Hit first = verdict.hits().get(0);
    String action = blocking ? "blocked" : over ? "detected" : "scored";
    for (RuleSet.Hit hit : verdict.hits()) {
      count(hit.rule(), action);
    }
    exchange.decide("waf", action + " " + ids(verdict) + " score=" + verdict.score());
    if (over) {
      String excerpt = SafeText.of(first.matched().length() > EXCERPT ? first.matched().substring(0, EXCERPT) + "…"
          : first.matched());
      String requestId = exchange.envelope() == null ? null : exchange.envelope().requestId();
      LOG.atWarn().addKeyValue("request_id", requestId)
          .addKeyValue("trace_id", exchange.envelope() == null ? "-" : exchange.envelope().traceId())
          .addKeyValue("rule", first.rule().id()).addKeyValue("route", exchange.routeId())
          .log("waf {} request: rule {} ({}) matched {} at {}", blocking ? "blocked" : "would block",
              first.rule().id(), first.rule().message(), SafeText.of(first.field().variable()), excerpt);
      blocks.add(new RecentBlocks.Block(System.currentTimeMillis(), blocking, first.rule().id(), first.rule().attack(),
          first.field().variable(), excerpt, verdict.score(), exchange.routeId(), exchange.request().method().name(),
          SafeText.of(exchange.request().path()), requestId));
    }
    if (blocking) {
      return Future.succeededFuture(Reply.problem(Failure.FORBIDDEN, "request: blocked by WAF rule "
          + first.rule().id() + " (" + first.rule().message() + ") in " + SafeText.of(first.field().variable())
          + "; anomaly score " + verdict.score() + ", threshold " + config.threshold()));
    }
    return next.proceed(exchange);
  }

  private static String ids(RuleSet.Verdict verdict) {
    StringBuilder out = new StringBuilder();
    for (RuleSet.Hit hit : verdict.hits()) {
      out.append(out.length() == 0 ? "" : ",").append(hit.rule().id());
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
    RuleSet.Verdict v = rules.evaluate(WafRequest.of(method, path, query, headers, "http/1.1", body), null);
    return new Inspection(v.score(), v.hits().stream().map(h -> h.rule().id()).toList());
  }

  /** What {@link #inspect} found. */
  public record Inspection(int score, List<Integer> rules) {}

}
