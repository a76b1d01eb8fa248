package dev.gantry.gateway.health;

import dev.gantry.gateway.observe.RequestObserver;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;

/**
 * {@code GET /health/live}: 200 while the process serves HTTP. {@code GET /health/ready}: 200 only
 * when every readiness check is up, else 503; the body reports each check.
 */
public final class HealthRoutes {
  private final HealthChecks readiness;

  public HealthRoutes(HealthChecks readiness) {
    this.readiness = readiness;
  }

  public void mount(Router router) {
    router.get("/health/live").handler(ctx -> {
      RequestObserver.name(ctx, "health.live");
      ctx.json(new JsonObject().put("status", "UP"));
    });
    router.get("/health/ready").handler(ctx -> {
      RequestObserver.name(ctx, "health.ready");
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
