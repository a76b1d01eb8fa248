package dev.gantry.gateway.health;

import dev.gantry.gateway.observe.RequestObserver;
import dev.gantry.gateway.problem.ProblemResponder;
import dev.gantry.gateway.request.GatewayCall;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;

/**
 * {@code GET /health/live}: 200 while the process serves HTTP. {@code GET /health/ready}: 200 only
 * when every readiness check is up, else 503; the body reports each check. Once the node drains
 * (its shutdown began) readiness is 503 at once, without asking the backends. Any other request
 * that no route took is answered 404 here (405 for another method on a health path).
 */
public final class HealthRoutes implements Handler<GatewayCall> {
  private static final String LIVE = "/health/live";
  private static final String READY = "/health/ready";
  private final HealthChecks readiness;
  private final Draining draining;

  public HealthRoutes(HealthChecks readiness, Draining draining) {
    this.readiness = readiness;
    this.draining = draining;
  }

  @Override
  public void handle(GatewayCall call) {
    HttpServerRequest request = call.request();
    String path = request.path();
    boolean live = is(path, LIVE);
    if (!live && !is(path, READY)) {
      ProblemResponder.unrouted(request, call.envelope());
      return;
    }
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      call.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD");
      ProblemResponder.notAllowed(request, call.envelope());
      return;
    }
    if (live) {
      RequestObserver.name(call, "health.live");
      json(call, 200, new JsonObject().put("status", "UP"));
      return;
    }
    RequestObserver.name(call, "health.ready");
    if (draining.draining()) {
      json(call, 503, new JsonObject().put("status", "DOWN").put("outcome", "DOWN")
          .put("checks", new JsonArray().add(new JsonObject().put("id", "shutdown").put("status", "DOWN")
              .put("data", new JsonObject().put("reason", "draining: the node is stopping")))));
      return;
    }
    readiness.checkStatus()
        .onSuccess(result -> json(call, result.getUp() ? 200 : 503, result.toJson()))
        .onFailure(call::fail);
  }

  /** The path, or the path with one trailing slash. */
  private static boolean is(String path, String served) {
    return path.startsWith(served) && (path.length() == served.length()
        || path.length() == served.length() + 1 && path.charAt(served.length()) == '/');
  }

  private static void json(GatewayCall call, int status, JsonObject body) {
    call.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.toBuffer());
  }
}
