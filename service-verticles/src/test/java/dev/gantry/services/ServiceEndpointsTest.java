package dev.gantry.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.Codecs;
import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.Failure;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.services.sdk.ServiceContext;
import dev.gantry.services.sdk.ServiceEndpoints;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.junit5.VertxExtension;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What every service gets from the SDK, seen from the event bus. */
@ExtendWith(VertxExtension.class)
class ServiceEndpointsTest {

  @Test
  void workWhoseDeadlineHasPassedIsDroppedWithATimeoutAndNeverRun(Vertx vertx) {
    Codecs.register(vertx.eventBus());
    AtomicInteger ran = new AtomicInteger();
    ServiceEndpoints endpoints = new ServiceEndpoints(vertx, new ServiceContext("node-a", "default",
        ServiceCatalog.create(vertx)));
    endpoints.<String, String>bind("test.echo", String.class, (request, envelope) -> {
      ran.incrementAndGet();
      return Future.succeededFuture("done " + request);
    }).await();

    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    // Work that arrives after its deadline (it waited in a queue, or crossed the cluster too late);
    // the sender here still listens, to see what the service answers.
    Envelope late = new Envelope("req-late", traceparent, System.currentTimeMillis() - 1, Envelope.ANONYMOUS, null);
    ReplyException dropped = assertThrows(ReplyException.class, () -> vertx.eventBus()
        .<String>request("test.echo", "late", late.deliveryOptions().setSendTimeout(30_000)).await());
    assertEquals(Failure.TIMEOUT.code(), dropped.failureCode());
    assertTrue(dropped.getMessage().contains("deadline passed"), dropped.getMessage());
    assertEquals(0, ran.get(), "the handler never ran for work nobody waits for");

    Envelope live = Envelope.start("req-live", traceparent, 30_000, null);
    assertEquals("done live", vertx.eventBus().<String>request("test.echo", "live", live.deliveryOptions()).await().body());
    assertEquals(1, ran.get());
  }

  @Test
  void closingStopsTakingRequestsAndWaitsForTheOnesTakenBeforeTheServiceClosesItsPool(Vertx vertx) {
    Codecs.register(vertx.eventBus());
    Promise<Void> release = Promise.promise();
    AtomicBoolean poolClosed = new AtomicBoolean();
    String id = vertx.deployVerticle(new VerticleBase() {
      private ServiceEndpoints endpoints;

      @Override
      public Future<?> start() {
        endpoints = new ServiceEndpoints(vertx, new ServiceContext("node-a", "default", ServiceCatalog.create(vertx)));
        return endpoints.<String, String>bind("test.slow", String.class, (request, envelope) ->
            (request.equals("taken") ? release.future() : Future.<Void>succeededFuture())
                .compose(v -> poolClosed.get() ? Future.failedFuture(new IllegalStateException("pool closed"))
                    : Future.succeededFuture("done " + request)));
      }

      @Override
      public Future<?> stop() {
        return endpoints.close().eventually(() -> {
          poolClosed.set(true); // what a service does after its endpoints closed
          return Future.succeededFuture();
        });
      }
    }).await();
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    Future<io.vertx.core.eventbus.Message<String>> taken = vertx.eventBus().request("test.slow", "taken",
        Envelope.start("req-taken", traceparent, 30_000, null).deliveryOptions());
    Future<Void> undeployed = vertx.undeploy(id);
    ReplyException refused = null;
    while (refused == null) {
      Future<io.vertx.core.eventbus.Message<String>> later = vertx.eventBus().request("test.slow", "later",
          Envelope.start("req-later", traceparent, 30_000, null).deliveryOptions());
      refused = later.transform(ar -> Future.succeededFuture(ar.cause() instanceof ReplyException e
          && e.failureType() == ReplyFailure.NO_HANDLERS ? e : null)).await();
    }
    assertTrue(!undeployed.isComplete(), "the service waits for the request it took");
    release.complete();
    assertEquals("done taken", taken.await().body());
    undeployed.await();
    assertTrue(poolClosed.get());
  }
}
