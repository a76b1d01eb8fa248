package dev.gantry.runtime;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream that holds every answer until the test releases them — for checking that requests
 * accepted before a stop finish — and the route file that sends {@code /slow/**} to it.
 *
 * @param arrived how many requests reached it
 * @param release completing it sends every held answer ({@code answer}) at once
 */
record HeldUpstream(HttpServer server, AtomicInteger arrived, Promise<Void> release) {

  static HeldUpstream start(Vertx vertx, String answer) {
    AtomicInteger arrived = new AtomicInteger();
    Promise<Void> release = Promise.promise();
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      arrived.incrementAndGet();
      release.future().onComplete(v -> req.response().end(answer));
    }).listen(0, "127.0.0.1").await();
    return new HeldUpstream(server, arrived, release);
  }

  /** Writes {@code routes.yaml} in {@code dir}: route {@code slow} to this upstream, with a minute's deadline. */
  Path routes(Path dir) throws IOException {
    Path routes = dir.resolve("routes.yaml");
    Files.writeString(routes, """
        upstreams:
          - {name: slow, targets: [{url: 'http://127.0.0.1:%d'}]}
        routes:
          - {id: slow, match: {path: /slow/**}, upstream: slow, timeout-ms: 60000}
        """.formatted(server.actualPort()));
    return routes;
  }
}
