package dev.gantry.gateway.observe;

import dev.gantry.codecs.Envelope;
import dev.gantry.gateway.edge.Peer;
import dev.gantry.gateway.policy.RouteExchange;
import dev.gantry.gateway.request.GatewayCall;
import io.micrometer.core.instrument.Counter;
import io.opentelemetry.api.trace.Span;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Measures every request once it ends: {@code gantry_http_server_requests_seconds} (a histogram
 * with buckets from 1 ms to 10 s, labelled route, method, status) and
 * {@code gantry_http_server_errors_total} (5xx, labelled route), then writes the access-log line
 * (logger {@code gantry.access}). The line carries the path without its query and no header, so
 * tokens and secrets in either never reach the log.
 */
public final class RequestObserver implements Handler<GatewayCall> {
  public static final String UNMATCHED = "unmatched";
  /** The status recorded for a request whose response never ended (nginx's "client closed request"). */
  public static final int ABORTED = 499;
  private static final Logger ACCESS = LoggerFactory.getLogger("gantry.access");
  static final Duration[] BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10)};

  static final String OTHER_METHOD = "_OTHER";
  /** By identity: Vert.x hands out its constants for the methods it knows (no name hashed per request). */
  private static final Set<HttpMethod> KNOWN_METHODS = knownMethods();

  private final MeterRegistry registry;
  private final RecentRequests recent;
  /**
   * Meters by route, method and status (100–599 by index): made once, then found with two map
   * reads of constant strings and an array read — no key built per request.
   */
  private final Map<String, Map<String, AtomicReferenceArray<Timer>>> timers = new ConcurrentHashMap<>();
  private final Map<String, Timer> oddStatuses = new ConcurrentHashMap<>();
  private final Map<String, Counter> errors = new ConcurrentHashMap<>();

  public RequestObserver(MeterRegistry registry, RecentRequests recent) {
    this.registry = registry;
    this.recent = recent;
  }

  /** Names the route serving this request, for metrics, the access log and the trace. */
  public static void name(GatewayCall call, String routeId) {
    call.routeId(routeId);
    Span span = Span.current();
    if (span.getSpanContext().isValid()) {
      span.updateName(call.request().method().name() + " " + routeId);
      span.setAttribute("http.route", routeId);
    }
  }

  @Override
  public void handle(GatewayCall call) {
    long start = System.nanoTime();
    call.onEnd(completed -> record(call, completed, System.nanoTime() - start));
  }

  /**
   * @param completed whether the response ended; one cut off first (the connection closed or was
   *                  reset) is recorded with status {@value #ABORTED}, as nginx does, not with
   *                  the status it never finished sending
   */
  private void record(GatewayCall call, boolean completed, long nanos) {
    RouteExchange exchange = call.exchange();
    // a failure the gateway answered itself (an upstream that failed, a deadline) says why in the line
    String reason = call.failure() instanceof dev.gantry.codecs.ServiceException failed ? failed.detail() : null;
    String route = call.routeId();
    record(call.request(), route == null ? UNMATCHED : route, completed ? call.response().getStatusCode() : ABORTED,
        call.response().bytesWritten(), call.envelope(), reason,
        exchange == null ? Map.of() : exchange.decisions(), nanos);
  }

  /**
   * Measures and logs a request the edge refused before routing: route {@code edge}, with the
   * reason in the access line.
   *
   * @param startNanos {@link System#nanoTime()} when the request was seen
   */
  public void refused(HttpServerRequest req, int status, String reason, long startNanos) {
    record(req, "edge", status, 0, null, reason, Map.of(), System.nanoTime() - startNanos);
  }

  private void record(HttpServerRequest req, String route, int status, long bytes, Envelope envelope, String reason,
      Map<String, String> decisions, long nanos) {
    String method = req.method().name();
    String label = methodLabel(req.method());
    timer(route, label, status).record(nanos, TimeUnit.NANOSECONDS);
    if (status >= 500) {
      errors.computeIfAbsent(route, r -> Counter.builder("gantry.http.server.errors")
          .description("Requests answered with 5xx, by route").tag("route", r).register(registry)).increment();
    }
    boolean logged = ACCESS.isInfoEnabled();
    if (status < 400 && !logged) {
      return;
    }
    // Everything a client wrote is escaped before it reaches a log line or the console.
    String path = SafeText.of(req.path());
    if (status >= 400) {
      recent.failed(SafeText.of(method), path, route, status, envelope == null ? null : envelope.requestId());
    }
    if (logged) {
      access(req, route, status, bytes, envelope, reason, decisions, nanos, path, method);
    }
  }

  private Timer timer(String route, String label, int status) {
    Map<String, AtomicReferenceArray<Timer>> byMethod = timers.get(route);
    if (byMethod == null) {
      byMethod = timers.computeIfAbsent(route, r -> new ConcurrentHashMap<>());
    }
    AtomicReferenceArray<Timer> byStatus = byMethod.get(label);
    if (byStatus == null) {
      byStatus = byMethod.computeIfAbsent(label, l -> new AtomicReferenceArray<>(500));
    }
    int i = status - 100;
    if (i < 0 || i >= byStatus.length()) {
      // an odd status an upstream sent (Vert.x takes up to 999): kept by key, made once
      return oddStatuses.computeIfAbsent(route + ' ' + label + ' ' + status, k -> newTimer(route, label, status));
    }
    Timer timer = byStatus.get(i);
    if (timer == null) {
      timer = newTimer(route, label, status); // the registry hands a second maker the same timer
      byStatus.set(i, timer);
    }
    return timer;
  }

  private Timer newTimer(String route, String label, int status) {
    return Timer.builder("gantry.http.server.requests")
        .description("Requests served by the gateway, by route")
        .tags("route", route, "method", label, "status", Integer.toString(status))
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  /**
   * The method as a label: one of the methods Vert.x knows by name, or {@value #OTHER_METHOD} (as
   * OpenTelemetry's HTTP conventions do) — a client may send any token as a method, and a series
   * per made-up method would grow the registry, each with its histogram, without bound.
   */
  private static Set<HttpMethod> knownMethods() {
    Set<HttpMethod> known = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    known.addAll(HttpMethod.values());
    return java.util.Collections.unmodifiableSet(known);
  }

  static String methodLabel(HttpMethod method) {
    return KNOWN_METHODS.contains(method) ? method.name() : OTHER_METHOD;
  }

  /**
   * One access line. Each fact is also a key-value pair, so {@code log.format: json} writes them
   * as fields of their own ({@code route}, {@code status}, {@code duration_ms}, {@code bytes},
   * {@code client}, {@code principal}, {@code request_id}, {@code trace_id}, and the policies'
   * decisions); the trace id is the caller's even with tracing off.
   */
  private static void access(HttpServerRequest req, String route, int status, long bytes, Envelope envelope,
      String reason, Map<String, String> decisions, long nanos, String path, String method) {
    double millis = Math.round(nanos / 10_000.0) / 100.0;
    String peer = Peer.hostAddress(req);
    String client = peer == null ? "-" : peer;
    String principal = envelope == null ? "-" : SafeText.of(envelope.principal()); // a subject is the issuer's text
    String requestId = envelope == null ? "-" : envelope.requestId();
    String safeMethod = SafeText.of(method);
    LoggingEventBuilder line = ACCESS.atInfo()
        .addKeyValue("method", safeMethod).addKeyValue("path", path).addKeyValue("route", route)
        .addKeyValue("status", status).addKeyValue("bytes", bytes).addKeyValue("duration_ms", millis)
        .addKeyValue("client", client).addKeyValue("principal", principal).addKeyValue("request_id", requestId);
    if (envelope != null) {
      line.addKeyValue("trace_id", envelope.traceId());
    }
    StringBuilder extra = new StringBuilder();
    if (reason != null) {
      String safe = SafeText.of(reason);
      line.addKeyValue("reason", safe);
      extra.append(" reason=\"").append(safe.replace("\"", "'")).append('"');
    }
    for (Map.Entry<String, String> d : decisions.entrySet()) {
      line.addKeyValue(d.getKey(), d.getValue());
      extra.append(' ').append(d.getKey()).append('=').append(d.getValue());
    }
    line.log("{} {} route={} status={} bytes={} duration_ms={} client={} principal={} request_id={}{}",
        safeMethod, path, route, status, bytes, millis, client, principal, requestId, extra);
  }
}
