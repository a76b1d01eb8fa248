package dev.gantry.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One timer for all of an event loop's waiting upstream requests: deadlines kept, no wait left behind. */
class UpstreamDeadlinesTest {
  private Vertx vertx;
  private HttpServer upstream;
  private HttpClient client;
  private Context loop;
  private UpstreamDeadlines deadlines;
  private final List<Promise<Void>> held = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer().requestHandler(req -> {
      if (req.path().startsWith("/hold")) {
        Promise<Void> p = Promise.promise();
        synchronized (held) {
          held.add(p);
        }
        p.future().onComplete(v -> req.response().end("late"));
      } else {
        req.response().end("ok");
      }
    }).listen(0, "127.0.0.1").await();
    client = vertx.createHttpClient(new io.vertx.core.http.PoolOptions().setHttp1MaxSize(200));
    loop = vertx.getOrCreateContext();
    deadlines = on(() -> new UpstreamDeadlines(vertx));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /** Runs {@code task} on the loop and waits for what it returns. */
  private <T> T on(Callable<T> task) {
    Promise<T> done = Promise.promise();
    loop.runOnContext(v -> {
      try {
        done.complete(task.call());
      } catch (Exception e) {
        done.fail(e);
      }
    });
    return done.future().await();
  }

  /** Sends GET path on the loop, watched for timeoutMs; the future holds the response or the failure. */
  private Future<HttpClientResponse> send(String path, long timeoutMs) {
    return on(() -> client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
        .setPort(upstream.actualPort()).setURI(path)).compose(request -> {
          UpstreamDeadlines.Wait wait = deadlines.watch(request, timeoutMs);
          return request.send().andThen(ar -> wait.done());
        }));
  }

  @Test
  void answeredRequestsLeaveNoWaitBehind() throws Exception {
    List<Future<HttpClientResponse>> sent = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      sent.add(send("/ok/" + i, 10_000));
    }
    Future.all(sent).await();
    sent.forEach(f -> assertEquals(200, f.result().statusCode()));
    assertEquals(0, (int) on(deadlines::waiting));
  }

  @Test
  void aShortDeadlineAfterLongOnesFiresOnTimeAndTheLongOnesStillWait() throws Exception {
    List<Future<HttpClientResponse>> slow = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      slow.add(send("/hold/slow" + i, 30_000));
    }
    long t0 = System.nanoTime();
    Future<HttpClientResponse> quick = send("/hold/quick", 200);
    Throwable failure = quick.transform(ar -> Future.succeededFuture(ar.cause())).await();
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(failure != null, "the quick request must time out");
    assertTrue(hasTimeout(failure), "a timeout, not " + failure);
    assertTrue(tookMs >= 200, "not before its deadline: " + tookMs + " ms");
    assertEquals(3, (int) on(deadlines::waiting), "the slow requests still wait");
    assertTrue(slow.stream().noneMatch(Future::isComplete));
    synchronized (held) {
      held.forEach(Promise::tryComplete);
    }
    Future.all(slow).await();
    assertEquals(0, (int) on(deadlines::waiting));
  }

  @Test
  void manyDeadlinesInAnyOrderFireInDeadlineOrderNotBeforeTheirTimeAndLeaveNothingBehind() throws Exception {
    java.util.Random random = new java.util.Random(42);
    int count = 60;
    long[] deadline = new long[count];
    long[] firedAt = new long[count];
    List<Future<Void>> failed = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long timeout = 50 + random.nextInt(400);
      int n = i;
      failed.add(on(() -> client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
          .setPort(upstream.actualPort()).setURI("/hold/" + n)).compose(request -> {
            deadline[n] = System.nanoTime() + timeout * 1_000_000;
            UpstreamDeadlines.Wait wait = deadlines.watch(request, timeout);
            return request.send().andThen(ar -> wait.done());
          }).transform(ar -> {
            firedAt[n] = System.nanoTime();
            assertTrue(ar.failed() && hasTimeout(ar.cause()), "request " + n + ": " + ar);
            return Future.<Void>succeededFuture();
          })));
    }
    Future.all(failed).await();
    for (int i = 0; i < count; i++) {
      assertTrue(firedAt[i] >= deadline[i], "request " + i + " timed out " + (deadline[i] - firedAt[i]) / 1_000 + " µs early");
      for (int j = 0; j < count; j++) {
        // the timer resets waits in deadline order, whatever order they came in
        if (deadline[i] < deadline[j]) {
          assertTrue(firedAt[i] <= firedAt[j], "request " + i + " (due first) timed out after request " + j);
        }
      }
    }
    assertEquals(0, (int) on(deadlines::waiting));
    // a request after they all went is watched and answered as ever
    assertEquals(200, send("/ok/after", 1_000).await().statusCode());
    assertEquals(0, (int) on(deadlines::waiting));
  }

  @Test
  void waitsFromAnotherThreadFallBackToVertxTimeouts() throws Exception {
    // made here, off the loop: the loop's requests are then "another thread" for it
    UpstreamDeadlines elsewhere = new UpstreamDeadlines(vertx);
    Future<HttpClientResponse> r = on(() -> client.request(new RequestOptions().setMethod(HttpMethod.GET)
        .setHost("127.0.0.1").setPort(upstream.actualPort()).setURI("/hold/other")).compose(request -> {
          UpstreamDeadlines.Wait wait = elsewhere.watch(request, 150);
          return request.send().andThen(ar -> wait.done());
        }));
    Throwable failure = r.transform(ar -> Future.succeededFuture(ar.cause())).await();
    assertInstanceOf(TimeoutException.class, failure);
    assertEquals(0, elsewhere.waiting());
  }

  private static boolean hasTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }
}
