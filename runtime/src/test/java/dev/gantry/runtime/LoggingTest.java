package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.EnvelopeContext;
import dev.gantry.runtime.logging.JsonLayout;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** JSON log lines carry the request they belong to; no secret ever reaches a log line. */
class LoggingTest {

  @Test
  void aJsonLineCarriesTheRequestBeingServed() {
    Vertx vertx = Vertx.vertx();
    try {
      Envelope envelope = Envelope.start("req-9", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", 1000, null);
      ContextInternal request = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
      Promise<String> line = Promise.promise();
      request.runOnContext(v -> {
        EnvelopeContext.bind(envelope);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LoggingEvent event = new LoggingEvent(getClass().getName(), context.getLogger("test.logger"), Level.WARN,
            "stock low for {}", null, new Object[] {"GT-001"});
        line.complete(new JsonLayout().doLayout(event));
      });
      String text = line.future().await();
      assertTrue(text.endsWith("\n") && text.indexOf('\n') == text.length() - 1, "one object a line");
      JsonObject json = new JsonObject(text);
      assertEquals("WARN", json.getString("level"));
      assertEquals("test.logger", json.getString("logger"));
      assertEquals("stock low for GT-001", json.getString("message"));
      assertEquals("req-9", json.getString("request_id"));
      assertEquals("0af7651916cd43dd8448eb211c80319c", json.getString("trace_id"));
      assertEquals(envelope.spanId(), json.getString("span_id"));
      assertTrue(json.containsKey("timestamp"));

      JsonObject outside = new JsonObject(new JsonLayout().doLayout(new LoggingEvent("x",
          ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("x"), Level.INFO, "idle", null, null)));
      assertFalse(outside.containsKey("request_id"), "no request outside of one");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aJsonAccessLineCarriesEachFactAsAFieldWithTheCallersTraceIdAndThePolicysDecision() throws Exception {
    Logger access = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("gantry.access");
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    access.addAppender(captured);
    java.nio.file.Path routes = java.nio.file.Files.createTempFile("routes", ".yaml");
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
    assertTrue(lines.stream().anyMatch(l -> l.contains("gantry.access")), "the access log was captured");
    for (String secret : List.of("admin-secret-4711", "query-secret-1", "bearer-secret-2", "cookie-secret-3",
        "query-secret-5", "bearer-secret-6", "query-secret-7", "wrong-secret-8")) {
      for (String line : lines) {
        assertFalse(line.contains(secret), secret + " leaked into: " + line);
      }
    }
  }
}
