package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.http.HttpReply;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.services.sdk.ServiceContext;
import dev.gantry.services.sdk.ServiceEndpoints;
import dev.gantry.testkit.Poll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A service written in Python ({@code clients/python/example_service.py}, run as a child process)
 * registers through the TCP bridge; the gateway routes HTTP requests to it, and it calls a Java
 * service of the cluster back through the bridge.
 */
class PolyglotServiceTest {
  private static final Path CLIENT = Path.of("..", "clients", "python", "example_service.py").toAbsolutePath().normalize();
  private static final Path NODE_CLIENT = Path.of("..", "clients", "node", "example-service.js").toAbsolutePath().normalize();
  private static final String TOKEN = "polyglot-bridge-token-0123456789";
  private Gantry node;
  private Vertx client;
  private Process python;
  private final List<String> output = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    Path routes = Files.createTempFile("routes", ".yaml");
    Files.writeString(routes, """
        routes:
          - {id: prices, match: {path: /shop/prices/**}, service: pricing, rewrite: /prices}
          - {id: relay, match: {path: /relay/**}, service: pricing}
        """);
    Map<String, String> flags = TestNodes.base(TestNodes.uniqueCluster("polyglot"));
    flags.put("roles", "gateway");
    flags.put("routes.file", routes.toString());
    flags.put("bridge.enabled", "on");
    flags.put("bridge.port", "0");
    flags.put("bridge.token", TOKEN);
    flags.put("bridge.services", "pricing");
    flags.put("bridge.calls", "echo");
    node = TestNodes.start(flags);
    Vertx vertx = node.vertx();
    new ServiceEndpoints(vertx, new ServiceContext(node.nodeId(), "default", ServiceCatalog.create(vertx)))
        .bindHttp("echo", "v1", (call, envelope) -> Future.succeededFuture(HttpReply.json(200,
            new JsonObject().put("echoed", call.path()).put("principal", envelope.principal())))).await();
    client = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    if (python != null) {
      python.destroy();
      python.waitFor(10, TimeUnit.SECONDS);
    }
    TestNodes.stop(node);
    if (client != null) {
      client.close().await();
    }
  }

  private void startPython(String service) throws Exception {
    startChild("python3", CLIENT.toString(), service);
  }

  /** Runs {@code program script} against the bridge; its output lines go to {@link #output}. */
  private void startChild(String program, String script, String service) throws Exception {
    Path tokenFile = Files.createTempFile("bridge", ".token");
    Files.writeString(tokenFile, TOKEN + "\n");
    tokenFile.toFile().deleteOnExit();
    python = new ProcessBuilder(program, script, "--port", String.valueOf(node.bridgePort()),
        "--token-file", tokenFile.toString(), "--service", service).redirectErrorStream(true).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8))) {
        r.lines().forEach(output::add);
      } catch (java.io.IOException e) {
        output.add("(output ended: " + e.getMessage() + ")");
      }
    }, "python-output");
    reader.setDaemon(true);
    reader.start();
  }

  @Test
  void aPythonServiceRegistersThroughTheBridgeAndAnswersThroughTheGateway() throws Exception {
    startPython("pricing");
    Poll.until(client, Duration.ofSeconds(30), "the Python service registered: " + output,
        () -> output.stream().anyMatch(l -> l.startsWith("registered pricing on node " + node.nodeId())));
    WebClient http = WebClient.create(client, new WebClientOptions().setDefaultPort(node.httpPort()));
    // The catalog is read at most once a second: the first requests may not see it yet.
    Poll.until(client, Duration.ofSeconds(10), "the gateway routes to the Python service",
        () -> http.get("/shop/prices/abc42").send().await().statusCode() == 200);
    HttpResponse<Buffer> price = http.get("/shop/prices/abc42").putHeader("X-Request-Id", "py-req-1").send().await();
    assertEquals(200, price.statusCode(), price.bodyAsString());
    JsonObject body = price.bodyAsJsonObject();
    assertEquals("abc42", body.getString("sku"));
    assertEquals("python", body.getString("language"));
    assertEquals("py-req-1", body.getString("requestId")); // the envelope reached the Python side
    assertEquals(node.nodeId(), price.getHeader("X-Gantry-Served-By"));

    HttpResponse<Buffer> bad = http.get("/shop/prices/a-b").send().await();
    assertEquals(400, bad.statusCode(), bad.bodyAsString());
    assertTrue(bad.getHeader("Content-Type").startsWith("application/problem+json"), bad.getHeader("Content-Type"));
    assertEquals(404, http.get("/shop/prices").send().await().statusCode());

    // The Python service calls a Java service of the cluster through the bridge.
    HttpResponse<Buffer> relayed = http.get("/relay/x/y").send().await();
    assertEquals(200, relayed.statusCode(), relayed.bodyAsString());
    JsonObject answer = relayed.bodyAsJsonObject();
    assertEquals(200, answer.getInteger("status"));
    assertEquals("/x/y", answer.getJsonObject("answer").getString("echoed"));
    assertEquals("bridge:pricing", answer.getJsonObject("answer").getString("principal"));

    // When the process goes, so does its catalog record and its calls fail fast with 503.
    python.destroy();
    python.waitFor(10, TimeUnit.SECONDS);
    Poll.until(client, Duration.ofSeconds(10), "the Python service left the catalog",
        () -> http.get("/shop/prices/abc42").send().await().statusCode() == 503);
  }

  @Test
  void aNodeJsServiceRegistersThroughTheBridgeAndAnswersThroughTheGateway() throws Exception {
    startChild("node", NODE_CLIENT.toString(), "pricing");
    Poll.until(client, Duration.ofSeconds(30), "the Node.js service registered: " + output,
        () -> output.stream().anyMatch(l -> l.startsWith("registered pricing on node " + node.nodeId())));
    WebClient http = WebClient.create(client, new WebClientOptions().setDefaultPort(node.httpPort()));
    Poll.until(client, Duration.ofSeconds(10), "the gateway routes to the Node.js service",
        () -> http.get("/shop/prices/xyz").send().await().statusCode() == 200);
    HttpResponse<Buffer> price = http.get("/shop/prices/xyz").putHeader("X-Request-Id", "js-req-1").send().await();
    assertEquals(200, price.statusCode(), price.bodyAsString());
    assertEquals("node", price.bodyAsJsonObject().getString("language"));
    assertEquals("js-req-1", price.bodyAsJsonObject().getString("requestId"));
    assertEquals(400, http.get("/shop/prices/x-y").send().await().statusCode());
  }
}
