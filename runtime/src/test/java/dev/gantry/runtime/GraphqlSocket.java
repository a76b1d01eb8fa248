package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A graphql-transport-ws connection to a node, for tests: what the server sent, in order; its
 * close arrives as {@code {"type": "closed", "code": …}}.
 */
final class GraphqlSocket {
  final WebSocket socket;
  final BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
  volatile Short closedWith;

  GraphqlSocket(Vertx vertx, int port, String path, WebSocketClientOptions options) {
    socket = vertx.createWebSocketClient(options).connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(port).setURI(path).addSubProtocol("graphql-transport-ws")).await();
    socket.textMessageHandler(text -> received.add(new JsonObject(text)));
    socket.closeHandler(v -> {
      closedWith = socket.closeStatusCode();
      received.add(new JsonObject().put("type", "closed").put("code", socket.closeStatusCode()));
    });
  }

  GraphqlSocket(Vertx vertx, int port, String path) {
    this(vertx, port, path, new WebSocketClientOptions());
  }

  /** A connection whose {@code connection_init} was acknowledged. */
  static GraphqlSocket acknowledged(Vertx vertx, int port, String path) throws InterruptedException {
    GraphqlSocket ws = new GraphqlSocket(vertx, port, path);
    ws.send(new JsonObject().put("type", "connection_init"));
    assertEquals("connection_ack", ws.next().getString("type"));
    return ws;
  }

  void send(JsonObject message) {
    socket.writeTextMessage(message.encode()).await();
  }

  JsonObject next() throws InterruptedException {
    JsonObject m = received.poll(10, TimeUnit.SECONDS);
    assertNotNull(m, "a message within 10 s");
    return m;
  }
}
