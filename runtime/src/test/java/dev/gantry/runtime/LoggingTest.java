package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.Appender;
import dev.gantry.runtime.logging.JsonLayout;
import dev.gantry.runtime.logging.LogFormat;
import dev.gantry.testkit.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** JSON log lines carry the request they belong to; no secret ever reaches a log line. */
class LoggingTest {

  @Test
  void aJsonLineLoggedWhileARequestIsServedCarriesThatRequestsIds(@TempDir Path dir) throws Exception {
    // The console appender production installs for log.format json, writing here instead of stdout.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Appender<ILoggingEvent> json = LogFormat.appender("json", out);
    Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(json);
    Vertx vertx = Vertx.vertx();
    Gantry node = null;
    try {
      // Two targets that refuse connections, one ejected after one failure (half of them may be):
      // the ejection is logged while the failing request is being served.
      Path routes = dir.resolve("routes.yaml");
      Files.writeString(routes, """
          upstreams:
            - name: gone
              targets: [{url: 'http://127.0.0.1:%d'}, {url: 'http://127.0.0.1:%d'}]
              outlier: {consecutive-failures: 1}
          routes:
            - {id: gone, match: {path: /gone/**}, upstream: gone}
          """.formatted(closedPort(vertx), closedPort(vertx)));
      Map<String, String> flags = TestNodes.onKitBackends(TestNodes.uniqueCluster("jsonctx"));
      flags.put("routes.file", routes.toString());
      node = TestNodes.start(flags);
      WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.httpPort()));
      HttpResponse<Buffer> r = client.get("/gone/x").putHeader("X-Request-Id", "req-logged-9")
          .putHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").send().await();
      assertEquals(502, r.statusCode(), r.bodyAsString());
      Poll.until(vertx, Duration.ofSeconds(20), "the ejection line and the access line",
          () -> lines(out).stream().anyMatch(l -> l.getString("message").contains("ejected"))
              && lines(out).stream().anyMatch(l -> "gone".equals(l.getString("route"))));

      JsonObject ejection = lines(out).stream().filter(l -> l.getString("message").contains("ejected")).findFirst().orElseThrow();
      assertEquals("WARN", ejection.getString("level"));
      assertTrue(ejection.getString("message").startsWith("upstream gone: ejected 127.0.0.1:"), ejection.encode());
      assertEquals("req-logged-9", ejection.getString("request_id"), "the request being served: " + ejection.encode());
      assertEquals("0af7651916cd43dd8448eb211c80319c", ejection.getString("trace_id"), ejection.encode());
      assertTrue(ejection.getString("span_id", "").matches("[0-9a-f]{16}"), ejection.encode());
      assertEquals(node.nodeId(), ejection.getString("node"), ejection.encode());
      assertTrue(Instant.parse(ejection.getString("timestamp")).isAfter(Instant.now().minusSeconds(600)), ejection.encode());

      JsonObject access = lines(out).stream().filter(l -> "gone".equals(l.getString("route"))).findFirst().orElseThrow();
      assertEquals("gantry.access", access.getString("logger"));
      assertEquals(502, access.getInteger("status"));
      assertEquals("req-logged-9", access.getString("request_id"));

      JsonObject outside = lines(out).stream().filter(l -> l.getString("message").startsWith("gateway spec version"))
          .findFirst().orElseThrow(() -> new AssertionError("no spec line in:\n" + out));
      assertFalse(outside.containsKey("request_id"), "no request outside of one: " + outside.encode());
    } finally {
      vertx.close().await();
      TestNodes.stop(node);
      root.detachAppender(json);
      json.stop();
    }
  }

  /** A port nothing listens on: one a server was just bound to and closed. */
  private static int closedPort(Vertx vertx) {
    HttpServer server = vertx.createHttpServer().requestHandler(r -> r.response().end()).listen(0, "127.0.0.1").await();
    server.close().await();
    return server.actualPort();
  }

  /** The JSON lines written so far, each parsed (a line that is not one object fails the test). */
  private static List<JsonObject> lines(ByteArrayOutputStream out) {
    String text;
    synchronized (out) {
      text = out.toString(StandardCharsets.UTF_8);
    }
    return text.lines().map(JsonObject::new).toList();
  }

  @Test
  void aJsonAccessLineCarriesEachFactAsAFieldWithTheCallersTraceIdAndThePolicysDecision(@TempDir Path dir) throws Exception {
    Logger access = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("gantry.access");
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    access.addAppender(captured);
    java.nio.file.Path routes = dir.resolve("routes.yaml");
    java.nio.file.Files.writeString(routes, """
        upstreams:
          - {name: nowhere, targets: [{url: 'http://127.0.0.1:9'}]}
        routes:
          - {id: guarded, match: {path: /guarded/**}, upstream: nowhere, policies: [{limits: {max-headers: 3}}]}
        """);
    Map<String, String> flags = TestNodes.onKitBackends(TestNodes.uniqueCluster("jsonlog"));
    flags.put("routes.file", routes.toString());
    Gantry node = TestNodes.start(flags);
    Vertx vertx = Vertx.vertx();
    try {
      WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.httpPort()));
      int status = client.get("/guarded/x").putHeader("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
          .putHeader("X-A", "1").putHeader("X-B", "2").putHeader("X-C", "3").send().await().statusCode();
      assertEquals(431, status);
      dev.gantry.testkit.Poll.until(vertx, java.time.Duration.ofSeconds(10), "the access line",
          () -> captured.list.stream().anyMatch(e -> e.getFormattedMessage().contains("route=guarded")));
    } finally {
      vertx.close().await();
      TestNodes.stop(node);
      access.detachAppender(captured);
    }
    ILoggingEvent event = captured.list.stream().filter(e -> e.getFormattedMessage().contains("route=guarded"))
        .findFirst().orElseThrow();
    JsonObject json = new JsonObject(new JsonLayout().doLayout(event));
    assertEquals("guarded", json.getString("route"));
    assertEquals(431, json.getInteger("status"));
    assertEquals("GET", json.getString("method"));
    assertEquals("/guarded/x", json.getString("path"));
    assertTrue(json.getValue("duration_ms") instanceof Number, json.encode());
    assertTrue(json.getValue("bytes") instanceof Number, json.encode());
    assertEquals("127.0.0.1", json.getString("client"));
    assertEquals("anonymous", json.getString("principal"));
    assertTrue(json.getString("request_id").matches("[0-9a-f-]{36}"), json.encode());
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", json.getString("trace_id"), "the caller's trace, tracing off");
    assertEquals("max-headers", json.getString("limit"), "the policy's decision");
  }

  @Test
  void secretsAndTokensNeverReachTheLog() throws Exception {
    Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    Map<String, String> flags = TestNodes.onKitBackends(TestNodes.uniqueCluster("logs"));
    flags.put("admin.token", "admin-secret-4711");
    flags.put("admin.port", "0");
    Gantry node = TestNodes.start(flags);
    Vertx vertx = Vertx.vertx();
    try {
      WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.httpPort()));
      client.get("/api/products/1?access_token=query-secret-1").bearerTokenAuthentication("bearer-secret-2")
          .putHeader("Cookie", "session=cookie-secret-3").send().await();
      client.post("/api/orders?api_key=query-secret-5").putHeader("Content-Type", "application/json")
          .bearerTokenAuthentication("bearer-secret-6").sendBuffer(Buffer.buffer("{\"items\":")).await();
      client.get("/nowhere?password=query-secret-7").send().await();
      WebClient admin = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.adminPort()));
      admin.get("/admin/status").bearerTokenAuthentication("admin-secret-4711").send().await();
      admin.get("/admin/status").bearerTokenAuthentication("wrong-secret-8").send().await();
    } finally {
      vertx.close().await();
      TestNodes.stop(node);
      root.detachAppender(captured);
    }
    List<String> lines = captured.list.stream().map(e -> new JsonLayout().doLayout(e)).toList();
    // The access lines were captured (so the secrets below were looked for where they would be):
    // one per request, each naming what was asked and answered.
    List<String> access = lines.stream().map(JsonObject::new).filter(j -> "gantry.access".equals(j.getString("logger")))
        .map(j -> j.getString("method") + " " + j.getString("path").replaceAll("\\?.*", "") + " " + j.getInteger("status"))
        .toList();
    for (String request : List.of("GET /api/products/1 200", "POST /api/orders 400", "GET /nowhere 404")) {
      assertTrue(access.contains(request), request + " in the access log: " + access);
    }
    for (String secret : List.of("admin-secret-4711", "query-secret-1", "bearer-secret-2", "cookie-secret-3",
        "query-secret-5", "bearer-secret-6", "query-secret-7", "wrong-secret-8")) {
      for (String line : lines) {
        assertFalse(line.contains(secret), secret + " leaked into: " + line);
      }
    }
  }
}
