package dev.gantry.gateway.health;

import dev.gantry.gateway.observe.RequestObserver;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;

/**
 * {@code GET /health/live}: 200 while the process serves HTTP. {@code GET /health/ready}: 200 only
 * when every readiness check is up, else 503; the body reports each check. Once the node drains
 * (its shutdown began) readiness is 503 at once, without asking the backends.
 */
public final class HealthRoutes {
  private final HealthChecks readiness;
  private final Draining draining;

  public HealthRoutes(HealthChecks readiness, Draining draining) {
    this.readiness = readiness;
    this.draining = draining;
  }

  public void mount(Router router) {
    router.get("/health/live").handler(ctx -> {
      RequestObserver.name(ctx, "health.live");
      ctx.json(new JsonObject().put("status", "UP"));
    });
    router.get("/health/ready").handler(ctx -> {
      RequestObserver.name(ctx, "health.ready");
      if (draining.draining()) {
        ctx.response().setStatusCode(503)
            .putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store")
            .end(new JsonObject().put("status", "DOWN").put("outcome", "DOWN")
                .put("checks", new io.vertx.core.json.JsonArray().add(new JsonObject().put("id", "shutdown")
                    .put("status", "DOWN").put("data", new JsonObject().put("reason", "draining: the node is stopping"))))
                .toBuffer());
        return;
      }
      ctx.next();
    }).handler(ctx -> readiness.checkStatus()
        .onSuccess(result -> ctx.response()
            .setStatusCode(result.getUp() ? 200 : 503)
            .putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store")
            .end(result.toJson().toBuffer()))
        .onFailure(ctx::fail));
  }
}
