package dev.gantry.gateway.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

class FeedsTest {
  @Test
  void aSubscriberOnAnotherEventLoopGetsTheEventsOfItsKey() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Context home = vertx.getOrCreateContext();
      Feeds feeds = new Feeds(vertx, home);
      BlockingQueue<Object> got = new LinkedBlockingQueue<>();
      Context other = vertx.getOrCreateContext();
      other.runOnContext(v -> feeds.subscribe("test.feed", "id", "k").subscribe(new Subscriber<Object>() {
        Subscription up;

        @Override
        public void onSubscribe(Subscription s) {
          up = s;
          s.request(1);
        }

        @Override
        public void onNext(Object o) {
          got.add(o);
          up.request(1);
        }

        @Override
        public void onError(Throwable t) {
          got.add(t);
        }

        @Override
        public void onComplete() {
          got.add("complete");
        }
      }));
      Object first = null;
      long until = System.currentTimeMillis() + 10_000;
      while (first == null && System.currentTimeMillis() < until) {
        vertx.eventBus().publish("test.feed", new JsonObject().put("id", "other"));
        vertx.eventBus().publish("test.feed", new JsonObject().put("id", "k").put("n", 1));
        first = got.poll(100, TimeUnit.MILLISECONDS);
      }
      assertNotNull(first, "an event within 10 s");
      assertEquals(Map.of("id", "k", "n", 1), first);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
