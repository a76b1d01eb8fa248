package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hostile clients of the TCP bridge: each gets an err frame naming what was wrong. */
class BridgeAttackTest {
  private static final String TOKEN = "attack-test-token-0123456789abcdef";
  private static final String ADMIN = "attack-admin-token";
  private static Gantry node;
  private static Vertx client;

  @BeforeAll
  static void start() throws Exception {
    Path routes = Files.createTempFile("routes", ".yaml");
    Files.writeString(routes, """
        routes:
          - {id: prices, match: {path: /prices/**}, service: pricing}
        """);
    Map<String, String> flags = TestNodes.base(TestNodes.uniqueCluster("bridge-attack"));
    flags.put("roles", "gateway");
    flags.put("routes.file", routes.toString());
    flags.put("admin.token", ADMIN);
    flags.put("admin.port", "0");
    flags.put("bridge.enabled", "on");
    flags.put("bridge.port", "0");
    flags.put("bridge.token", TOKEN);
    flags.put("bridge.services", "pricing");
    flags.put("bridge.max-frame-bytes", "65536");
    node = TestNodes.start(flags);
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    TestNodes.stop(node);
    client.close().await();
  }

  /** A blocking frame client, enough to misbehave with. */
  private static final class Raw implements AutoCloseable {
    final Socket socket;
    final DataOutputStream out;
    final DataInputStream in;

    Raw() throws IOException {
      socket = new Socket("127.0.0.1", node.bridgePort());
      socket.setSoTimeout(10_000);
      out = new DataOutputStream(socket.getOutputStream());
      in = new DataInputStream(socket.getInputStream());
    }

    void send(JsonObject frame) throws IOException {
      sendRaw(frame.encode().getBytes(StandardCharsets.UTF_8));
    }

    void sendRaw(byte[] body) throws IOException {
      out.writeInt(body.length);
      out.write(body);
      out.flush();
    }

    JsonObject read() throws IOException {
      int length = in.readInt();
      byte[] body = new byte[length];
      in.readFully(body);
      return new JsonObject(new String(body, StandardCharsets.UTF_8));
    }

    void assertClosed() {
      assertThrows(EOFException.class, () -> in.readInt(), "the bridge should have closed the connection");
    }

    Raw authenticated() throws IOException {
      send(new JsonObject().put("type", "ping").put("headers", new JsonObject().put("token", TOKEN)));
      assertEquals("pong", read().getString("type"));
      return this;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void aFirstFrameWithoutTheTokenIsRefusedAndTheConnectionClosed() throws Exception {
    try (Raw raw = new Raw()) {
      raw.send(new JsonObject().put("type", "send").put("address", "gantry.bridge.register").put("replyAddress", "r")
          .put("body", new JsonObject().put("service", "pricing")));
      JsonObject err = raw.read();
      assertEquals("err", err.getString("type"));
      assertEquals("the first frame must carry headers.token", err.getString("message"));
      raw.assertClosed();
    }
  }

  @Test
  void aWrongTokenIsRefused() throws Exception {
    try (Raw raw = new Raw()) {
      raw.send(new JsonObject().put("type", "ping").put("headers", new JsonObject().put("token", TOKEN + "x")));
      assertEquals("wrong token", raw.read().getString("message"));
      raw.assertClosed();
    }
  }

  @Test
  void anOversizedOrNegativeLengthIsRefusedBeforeItsBodyArrives() throws Exception {
    for (int length : new int[] {Integer.MAX_VALUE, 65537, -1}) {
      try (Raw raw = new Raw()) {
        raw.out.writeInt(length);
        raw.out.flush();
        String message = raw.read().getString("message");
        assertTrue(message.startsWith("frame of " + Integer.toUnsignedString(length) + " bytes refused (at most 65536)"), message);
        raw.assertClosed();
      }
    }
  }

  @Test
  void aFrameThatIsNotAJsonObjectIsRefused() throws Exception {
    try (Raw raw = new Raw()) {
      raw.sendRaw("{\"type\": \"ping\", ".getBytes(StandardCharsets.UTF_8));
      assertTrue(raw.read().getString("message").startsWith("frame is not JSON"));
      raw.assertClosed();
    }
    try (Raw raw = new Raw().authenticated()) {
      raw.sendRaw("[1,2,3]".getBytes(StandardCharsets.UTF_8));
      assertEquals("frame is not a JSON object", raw.read().getString("message"));
      raw.assertClosed();
    }
  }

  @Test
  void anAuthenticatedClientIsToldWhatItMayNotDoAndStaysConnected() throws Exception {
    try (Raw raw = new Raw().authenticated()) {
      raw.send(new JsonObject().put("type", "send").put("address", "gantry.gateway.spec.changed").put("body", new JsonObject()));
      assertEquals("access_denied: gantry.gateway.spec.changed", raw.read().getString("message"));
      raw.send(new JsonObject().put("type", "register").put("address", "gantry.http.catalog"));
      assertTrue(raw.read().getString("message").startsWith("register is not offered"));
      raw.send(new JsonObject().put("type", "send").put("address", "gantry.bridge.register").put("replyAddress", "r1")
          .put("body", new JsonObject().put("service", "catalog")));
      JsonObject denied = raw.read();
      assertEquals("r1", denied.getString("address"));
      assertEquals("access_denied: service catalog is not in bridge.services", denied.getString("message"));
      raw.send(new JsonObject().put("type", "send").put("address", "gantry.http.catalog").put("replyAddress", "r2")
          .put("body", new JsonObject().put("method", "GET").put("path", "/")));
      assertTrue(raw.read().getString("message").startsWith("access_denied: gantry.http.catalog"));
      raw.send(new JsonObject().put("type", "explode").put("address", "x"));
      assertEquals("unknown_type: explode", raw.read().getString("message"));
      raw.send(new JsonObject().put("type", "send"));
      assertTrue(raw.read().getString("message").startsWith("missing_address"));
      raw.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", raw.read().getString("type"));
    }
  }

  @Test
  void aReplyGantryCannotReadIsABadGatewayForTheCallerAndAnErrForTheClient() throws Exception {
    try (Raw raw = new Raw().authenticated()) {
      raw.send(new JsonObject().put("type", "send").put("address", "gantry.bridge.register").put("replyAddress", "reg")
          .put("body", new JsonObject().put("service", "pricing")));
      JsonObject registered = raw.read();
      assertEquals(node.nodeId(), registered.getJsonObject("body").getString("node"), registered.encode());
      WebClient http = WebClient.create(client, new WebClientOptions().setDefaultPort(node.httpPort()));
      // One request at a time until one reaches the client: the first may come before the
      // gateway's catalog (refreshed once a second) lists the service, and gets a 503.
      JsonObject call = null;
      Future<HttpResponse<Buffer>> pending = null;
      for (int i = 0; i < 40 && call == null; i++) {
        pending = http.get("/prices/1").send();
        raw.socket.setSoTimeout(1_000);
        try {
          call = raw.read();
        } catch (java.net.SocketTimeoutException e) {
          assertEquals(503, pending.await().statusCode());
        }
      }
      raw.socket.setSoTimeout(10_000);
      assertTrue(call != null, "no call reached the bridge client");
      assertEquals("gantry.bridge.pricing", call.getString("address"));
      raw.send(new JsonObject().put("type", "send").put("address", call.getString("replyAddress"))
          .put("body", new JsonObject().put("status", "two hundred")));
      JsonObject err = raw.read();
      assertTrue(err.getString("message").startsWith("bad reply"), err.encode());
      HttpResponse<Buffer> answer = pending.await();
      assertEquals(502, answer.statusCode(), answer.bodyAsString());
    }
    WebClient admin = WebClient.create(client, new WebClientOptions().setDefaultPort(node.adminPort()));
    String metrics = admin.get("/metrics").bearerTokenAuthentication(ADMIN).send().await().bodyAsString();
    assertTrue(metrics.contains("gantry_bridge_refused_total{reason=\"bad-reply\"}"), metrics);
  }
}
