import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.transport.Transport;

/**
 * The floor of the benchmarks: the least an HTTP/1.1 reverse proxy on Vert.x 5 does — two event
 * loops (as Gantry's gateway), the transport Gantry's auto picks (epoll), a pooled keep-alive client, every request header but Connection
 * copied up, every response header but Connection copied back, the body buffered. No routing, no
 * normalisation, no header rules, no timeouts, no metrics, no policies: what Gantry's bare route
 * costs above it is Gantry's; what it costs above nginx is Vert.x and Netty's.
 * Run with the Gantry jar on the class path: java -cp runtime/target/gantry.jar bench/VertxFloor.java PORT UPSTREAM_PORT
 */
public class VertxFloor extends VerticleBase {
  private final int upstream;
  private HttpClient client;

  VertxFloor(int upstream) {
    this.upstream = upstream;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int upstream = Integer.parseInt(args[1]);
    System.setProperty("floor.port", Integer.toString(port));
    // the transport Gantry's node.transport names (FLOOR_TRANSPORT=io_uring), else Vert.x's native one
    Transport asked = "io_uring".equals(System.getenv("FLOOR_TRANSPORT")) ? Transport.IO_URING : Transport.nativeTransport();
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true))
        .withTransport(asked != null && asked.available() ? asked : Transport.NIO)
        .build();
    vertx.deployVerticle(() -> new VertxFloor(upstream), new DeploymentOptions().setInstances(2)).await();
    System.out.println("floor proxy listening on " + port + " (transport " + (vertx.isNativeTransportEnabled()
        ? "native" : "nio") + ")");
  }

  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(256));
    int port = Integer.parseInt(System.getProperty("floor.port"));
    return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)).requestHandler(req -> {
      RequestOptions options = new RequestOptions().setMethod(req.method()).setHost("127.0.0.1").setPort(upstream)
          .setURI(req.uri());
      client.request(options).onComplete(made -> {
        if (made.failed()) {
          req.response().setStatusCode(502).end();
          return;
        }
        HttpClientRequest up = made.result();
        req.headers().forEach(h -> {
          if (!h.getKey().equalsIgnoreCase("connection")) {
            up.headers().add(h.getKey(), h.getValue());
          }
        });
        up.send().onComplete(answered -> {
          if (answered.failed()) {
            req.response().setStatusCode(502).end();
            return;
          }
          HttpClientResponse resp = answered.result();
          HttpServerResponse out = req.response().setStatusCode(resp.statusCode());
          resp.headers().forEach(h -> {
            if (!h.getKey().equalsIgnoreCase("connection")) {
              out.headers().add(h.getKey(), h.getValue());
            }
          });
          resp.body().onComplete(body -> {
            if (body.succeeded()) {
              out.end(body.result());
            } else {
              out.reset();
            }
          });
        });
      });
    }).listen(port, "127.0.0.1");
  }
}
