package dev.gantry.gateway;

import dev.gantry.discovery.ServiceClient;
import dev.gantry.gateway.api.ApiRoutes;
import dev.gantry.gateway.health.HealthRoutes;
import dev.gantry.gateway.problem.ProblemResponder;
import dev.gantry.gateway.request.RequestEnvelopeHandler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/**
 * The gateway: an HTTP server whose router composes, in order, the request envelope, health
 * endpoints, API routes and the problem responder. Stopping it stops accepting and lets in-flight
 * requests finish within the grace period.
 */
public final class GatewayVerticle extends VerticleBase {
  private final GatewayOptions options;
  private final HealthChecks readiness;
  private HttpServer server;

  public GatewayVerticle(GatewayOptions options, HealthChecks readiness) {
    this.options = options;
    this.readiness = readiness;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    ProblemResponder problems = new ProblemResponder();
    router.route().handler(new RequestEnvelopeHandler(options.requestTimeoutMillis()));
    new HealthRoutes(readiness).mount(router);
    new ApiRoutes(new ServiceClient(vertx), options.maxBodyBytes()).mount(router);
    problems.mount(router);
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(options.host())
        .setPort(options.port())
        .setTcpNoDelay(true)
        .setIdleTimeout(60)
        .setIdleTimeoutUnit(TimeUnit.SECONDS));
    return server.requestHandler(router).listen();
  }

  /** The bound port, once started. */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture()
        : server.shutdown(options.shutdownGraceMillis(), TimeUnit.MILLISECONDS);
  }
}
