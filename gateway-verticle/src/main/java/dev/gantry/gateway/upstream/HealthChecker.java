package dev.gantry.gateway.upstream;

import dev.gantry.gateway.spec.UpstreamSpec;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Active health checks of one pool: a GET of the check path on every target, every interval. */
public final class HealthChecker {
  private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);
  private final Vertx vertx;
  private final UpstreamClients client;
  private final UpstreamPool pool;
  private long timer = -1;

  public HealthChecker(Vertx vertx, UpstreamClients client, UpstreamPool pool) {
    this.vertx = vertx;
    this.client = client;
    this.pool = pool;
  }

  public void start() {
    UpstreamSpec.HealthCheck spec = pool.spec().healthCheck();
    if (spec != null) {
      timer = vertx.setPeriodic(0, spec.intervalMillis(), id -> pool.endpoints().forEach(e -> check(e, spec)));
    }
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  private void check(Endpoint e, UpstreamSpec.HealthCheck spec) {
    RequestOptions target = e.transport().serverName() == null ? new RequestOptions().setHost(e.host())
        : new RequestOptions().setServer(io.vertx.core.net.SocketAddress.inetSocketAddress(e.port(), e.host()))
            .setHost(e.transport().serverName());
    client.of(e.transport()).request(target.setMethod(HttpMethod.GET).setPort(e.port())
            .setURI(spec.path()).setConnectTimeout(spec.timeoutMillis()).setIdleTimeout(spec.timeoutMillis())
            .putHeader("User-Agent", "gantry-health-check"))
        .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
        .onComplete(ar -> {
          boolean ok = ar.succeeded() && ar.result() >= 200 && ar.result() < 300;
          if (e.checked(ok, spec)) {
            LOG.info("upstream {}: {} is now {}", pool.spec().name(), e.target().address(),
                ok ? "healthy" : "unhealthy");
          }
        });
  }
}
