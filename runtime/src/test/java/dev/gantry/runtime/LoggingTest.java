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
