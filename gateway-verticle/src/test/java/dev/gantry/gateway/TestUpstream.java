package dev.gantry.gateway;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP upstream for tests. It answers with JSON naming itself, the path and headers it saw
 * (and the body length it counted), and can be told to fail, stall or go away.
 */
final class TestUpstream {
  final String name;
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger healthChecks = new AtomicInteger();
  final AtomicLong bodyBytes = new AtomicLong();
  final Map<String, String> lastHeaders = new ConcurrentHashMap<>();
  volatile int status = 200;
  volatile long delayMillis;
  volatile int healthStatus = 200;
  volatile String lastPath;
  volatile String lastMethod;
  /** "METHOD uri" of every request but health checks, in the order they arrived. */
  final Queue<String> seen = new ConcurrentLinkedQueue<>();
  /** Fields added to every JSON answer (null: none). */
  volatile JsonObject extraFields;
  private volatile Future<Void> held;
  private final Vertx vertx;
  private HttpServer server;
  private int port;

  TestUpstream(Vertx vertx, String name) {
    this.vertx = vertx;
    this.name = name;
  }

  TestUpstream start() {
    return startOn(0);
  }

  TestUpstream startOn(int wanted) {
    server = vertx.createHttpServer().requestHandler(this::handle);
    server.listen(wanted, "127.0.0.1").await();
    port = server.actualPort();
    return this;
  }

  /**
   * Holds every answer (including those of requests already waiting) until the returned promise
   * is completed: an upstream that is slow for exactly as long as a test needs, with no clock.
   */
  Promise<Void> holdAnswers() {
    Promise<Void> release = Promise.promise();
    held = release.future();
    return release;
  }

  void stop() {
    server.close().await();
  }

  int port() {
    return port;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  private void handle(HttpServerRequest req) {
    if (req.path().equals("/health")) {
      healthChecks.incrementAndGet();
      req.response().setStatusCode(healthStatus).end();
      return;
    }
    requests.incrementAndGet();
    lastPath = req.uri();
    lastMethod = req.method().name();
    seen.add(req.method().name() + " " + req.uri());
    lastHeaders.clear();
    // a repeated header shows as its values joined by " | "
    req.headers().forEach(h -> lastHeaders.merge(h.getKey().toLowerCase(), h.getValue(), (x, y) -> x + " | " + y));
    AtomicLong count = new AtomicLong();
    req.handler(b -> count.addAndGet(b.length()));
    req.endHandler(v -> {
      bodyBytes.addAndGet(count.get());
      JsonObject extra = extraFields;
      Runnable answer = () -> req.response().setStatusCode(status)
          .putHeader("Content-Type", "application/json")
          .putHeader("Connection", "keep-alive, X-Secret-Hop")
          .putHeader("X-Secret-Hop", "must not pass")
          .end(new JsonObject().put("upstream", name).put("path", req.uri())
              .put("bodyBytes", count.get()).mergeIn(extra == null ? new JsonObject() : extra).encode());
      Future<Void> hold = held;
      if (hold != null) {
        hold.onComplete(done -> answer.run());
      } else if (delayMillis > 0) {
        vertx.setTimer(delayMillis, id -> answer.run());
      } else {
        answer.run();
      }
    });
  }
}
