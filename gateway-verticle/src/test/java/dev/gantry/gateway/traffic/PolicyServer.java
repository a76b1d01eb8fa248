package dev.gantry.gateway.traffic;

import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.Principal;
import dev.gantry.gateway.edge.ClientConnections;
import dev.gantry.gateway.observe.RecentBlocks;
import dev.gantry.gateway.policy.NodeResources;
import dev.gantry.gateway.policy.Policy;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.PolicyType;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import dev.gantry.gateway.spec.SpecReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * One limit policy on an HTTP server of its own, for what a gateway cannot show yet: a principal
 * (no authentication policy exists on this branch, so the test names one with {@code X-Test-Subject},
 * {@code X-Test-Consumer} and {@code X-Test-Method} — headers only this server reads) and a
 * policy type made with a clock the test moves. Each server is one gateway node with its own
 * {@link NodeResources}; the next step of the chain answers 200.
 */
final class PolicyServer implements AutoCloseable {
  private final HttpServer server;
  private final WebClient client;
  private final NodeResources node;

  private PolicyServer(HttpServer server, WebClient client, NodeResources node) {
    this.server = server;
    this.client = client;
    this.node = node;
  }

  static <C> PolicyServer start(Vertx vertx, PolicyType<C> type, String config, String redisUrl, Path dataDir) {
    NodeResources node = new NodeResources(vertx, redisUrl, null, dataDir);
    PolicyRuntime runtime = new PolicyRuntime(new SimpleMeterRegistry(), new ClientConnections(), new RecentBlocks(),
        node);
    Policy policy = type.create(type.read(SpecReader.of(new JsonObject(config), type.name())), runtime);
    HttpServer server = vertx.createHttpServer().requestHandler(req -> serve(policy, req));
    server.listen(0, "127.0.0.1").await();
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(server.actualPort()));
    return new PolicyServer(server, client, node);
  }

  private static void serve(Policy policy, HttpServerRequest req) {
    String subject = req.getHeader("X-Test-Subject");
    Principal who = subject == null ? null : new Principal(subject, "https://idp.test/", List.of(), List.of(),
        req.getHeader("X-Test-Consumer"), req.headers().get("X-Test-Method") == null ? "jwt"
        : req.getHeader("X-Test-Method"));
    Envelope envelope = new Envelope("req-1", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        System.currentTimeMillis() + 5_000, subject == null ? Envelope.ANONYMOUS : subject, who);
    RouteExchange exchange = new RouteExchange(req, req.path().split("/")[1], envelope);
    policy.apply(exchange, ex -> Future.succeededFuture(Reply.of(200, MultiMap.caseInsensitiveMultiMap(),
            Buffer.buffer("ok"))))
        .onSuccess(reply -> reply.writeTo(req.response(), exchange))
        .onFailure(e -> req.response().setStatusCode(500).end(e.toString()));
  }

  /** GET {@code path} (its first segment is the route id) with header name/value pairs. */
  HttpResponse<Buffer> get(String path, String... headers) {
    var request = client.get(path);
    for (int i = 0; i < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return request.send().await();
  }

  @Override
  public void close() {
    client.close();
    server.close().await();
    node.close();
  }
}
