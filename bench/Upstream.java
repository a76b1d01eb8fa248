import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;

/**
 * The fast upstream of the benchmarks: a minimal Vert.x HTTP server answering a small JSON body.
 * Run with the Gantry jar on the class path: java -cp runtime/target/gantry.jar bench/Upstream.java PORT
 */
public class Upstream {
  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Buffer body = Buffer.buffer("{\"ok\":true,\"service\":\"bench-upstream\"}");
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
    // Paths under /cacheable/ say a shared cache may keep the answer (bench/run's cache targets).
    vertx.createHttpServer().requestHandler(req -> {
          if (req.path().startsWith("/cacheable/")) {
            req.response().putHeader("Cache-Control", "public, max-age=3600");
          }
          req.response().putHeader("Content-Type", "application/json").end(body);
        })
        .listen(port, "127.0.0.1").await();
    System.out.println("upstream listening on " + port);
  }
}
