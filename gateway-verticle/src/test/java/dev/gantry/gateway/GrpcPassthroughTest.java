package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.gateway.edge.EdgeOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * gRPC through the gateway: a Vert.x gRPC server (its raw message API, no generated code) as an
 * HTTP/2 upstream (h2c), a client speaking HTTP/2 with prior knowledge to a listener with h2c on.
 * Unary and streaming calls are relayed with their trailers; the gateway's own failures reach the
 * client as gRPC statuses, and {@code grpc-timeout} is the call's deadline.
 */
@ExtendWith(VertxExtension.class)
class GrpcPassthroughTest {
  private HttpServer grpcUpstream;
  private GatewayHarness gw;
  private HttpClient client;
  private final List<Long> upstreamTimeouts = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    GrpcServer grpc = GrpcServer.server(vertx).callHandler(call -> {
      synchronized (upstreamTimeouts) {
        upstreamTimeouts.add(call.timeout());
      }
      switch (call.methodName()) {
        case "Unary" -> call.handler(msg -> {
          call.response().trailers().set("x-echo-count", "1");
          call.response().send(Buffer.buffer("echo:").appendBuffer(msg));
        });
        case "Stream" -> {
          call.handler(msg -> {
            call.response().write(Buffer.buffer("a:").appendBuffer(msg));
            call.response().write(Buffer.buffer("b:").appendBuffer(msg));
          });
          call.endHandler(v -> call.response().end());
        }
        case "Missing" -> call.handler(msg -> call.response().status(GrpcStatus.NOT_FOUND)
            .statusMessage("no such thing").end());
        default -> call.handler(msg -> { }); // Slow: never answers
      }
    });
    grpcUpstream = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
        .requestHandler(grpc).listen(0, "127.0.0.1").await();
    String yaml = """
        upstreams:
          - {name: grpc, protocol: h2, targets: [{url: 'http://127.0.0.1:%d'}]}
          - {name: gone, protocol: h2, targets: [{url: 'http://127.0.0.1:1'}]}
        routes:
          - {id: echo, match: {path: /echo.Echo/**}, upstream: grpc}
          - {id: down, match: {path: /down.Down/**}, upstream: gone}
          - {id: limited, match: {path: /limited.Echo/**}, upstream: grpc, rewrite: /echo.Echo,
             policies: [{rate-limit: {limit: 1, window: 1m, key: client-ip, store: local}}]}
          - {id: guarded, match: {path: /guarded.Echo/**}, upstream: grpc, rewrite: /echo.Echo,
             policies: [{jwt: {issuer: gw, secret: 0123456789abcdef0123456789abcdef}},
                        {authorize: {scopes: [echo:write]}}]}
        """.formatted(grpcUpstream.actualPort());
    gw = GatewayHarness.start(vertx, yaml, new EdgeOptions(10_000, 10_000, 500, true));
    client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
  }

  @AfterEach
  void stop() {
    client.close().await();
    gw.stop();
    grpcUpstream.close().await();
  }

  /** A length-prefixed gRPC message (not compressed). */
  private static Buffer frame(String payload) {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer().appendByte((byte) 0).appendInt(bytes.length).appendBytes(bytes);
  }

  /** The messages of a gRPC body. */
  private static List<String> messages(Buffer body) {
    List<String> out = new ArrayList<>();
    int at = 0;
    while (at + 5 <= body.length()) {
      int length = body.getInt(at + 1);
      out.add(body.getString(at + 5, at + 5 + length, "UTF-8"));
      at += 5 + length;
    }
    return out;
  }

  private record Call(HttpClientResponse response, Buffer body) {
    String status() {
      String trailer = response.trailers().get("grpc-status");
      return trailer != null ? trailer : response.getHeader("grpc-status");
    }
  }

  private Call call(String path, Map<String, String> headers, String... messages) {
    return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
            .setPort(gw.gateway.actualPort()).setURI(path))
        .compose(req -> {
          req.putHeader("content-type", "application/grpc").putHeader("te", "trailers");
          headers.forEach(req::putHeader);
          Buffer body = Buffer.buffer();
          for (String m : messages) {
            body.appendBuffer(frame(m));
          }
          // the body inside send's composition: a separate step can come after a short answer ended
          return req.send(body).compose(resp -> resp.body().map(answer -> new Call(resp, answer)));
        }).await();
  }

  @Test
  void aUnaryCallIsRelayedWithItsTrailers() {
    Call c = call("/echo.Echo/Unary", Map.of(), "hello");
    assertEquals(200, c.response().statusCode());
    assertEquals(List.of("echo:hello"), messages(c.body()));
    assertEquals("0", c.response().trailers().get("grpc-status"));
    assertEquals("1", c.response().trailers().get("x-echo-count"));
  }

  @Test
  void aStreamingCallIsRelayedMessageByMessage(Vertx vertx) {
    // messages are sent one by one on an open stream, and the answers read as they come
    Promise<List<String>> got = Promise.promise();
    List<String> seen = new ArrayList<>();
    Promise<HttpClientResponse> response = Promise.promise();
    HttpClientRequest req = client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(gw.gateway.actualPort()).setURI("/echo.Echo/Stream")).await();
    req.putHeader("content-type", "application/grpc").putHeader("te", "trailers").setChunked(true);
    req.response().onSuccess(resp -> {
      response.complete(resp);
      Buffer pending = Buffer.buffer();
      resp.handler(chunk -> {
        pending.appendBuffer(chunk);
        List<String> now = messages(pending);
        seen.clear();
        seen.addAll(now);
        if (seen.size() == 2 && now.size() == 2) {
          req.write(frame("two")); // the second message goes out only once the first one's answers came back
        } else if (seen.size() == 4) {
          req.end(); // and the call ends once all four answers are in
        }
      });
      resp.endHandler(v -> got.complete(new ArrayList<>(seen)));
    });
    req.write(frame("one"));
    vertx.setTimer(10_000, id -> got.tryFail("no end of stream"));
    Future<List<String>> all = got.future();
    List<String> answers = all.await();
    HttpClientResponse r = response.future().await();
    assertEquals(List.of("a:one", "b:one", "a:two", "b:two"), answers, r.statusCode() + " " + r.headers() + " trailers " + r.trailers());
    assertEquals("0", response.future().await().trailers().get("grpc-status"));
  }

  @Test
  void anUpstreamStatusIsRelayedAsItIs() {
    Call c = call("/echo.Echo/Missing", Map.of(), "x");
    assertEquals("5", c.status());
  }

  @Test
  void noRouteIsUnimplemented() {
    Call c = call("/nothing.Here/Method", Map.of(), "x");
    assertEquals(200, c.response().statusCode());
    assertEquals("application/grpc", c.response().getHeader("content-type"));
    assertEquals("12", c.status());
    assertTrue(c.response().getHeader("grpc-message").startsWith("Not found"), c.response().getHeader("grpc-message"));
  }

  @Test
  void anUnreachableUpstreamIsUnavailable() {
    assertEquals("14", call("/down.Down/Unary", Map.of(), "x").status());
  }

  @Test
  void grpcTimeoutIsTheDeadlineAndIsPassedOnAsWhatIsLeft() {
    long start = System.nanoTime();
    Call c = call("/echo.Echo/Slow", Map.of("grpc-timeout", "300m"), "x");
    assertEquals("4", c.status());
    assertTrue((System.nanoTime() - start) / 1_000_000 < 4_000, "answered at the call's deadline, not the route's");
    synchronized (upstreamTimeouts) {
      long seen = upstreamTimeouts.get(upstreamTimeouts.size() - 1);
      assertTrue(seen > 0 && seen <= 300, "the upstream saw a deadline of " + seen + " ms");
    }
  }

  @Test
  void aMalformedGrpcTimeoutIsAnInvalidArgument() {
    assertEquals("3", call("/echo.Echo/Unary", Map.of("grpc-timeout", "soon"), "x").status());
  }

  @Test
  void policyRefusalsAreGrpcStatuses() {
    assertEquals("0", call("/limited.Echo/Unary", Map.of(), "x").status());
    assertEquals("8", call("/limited.Echo/Unary", Map.of(), "x").status(), "rate limited: RESOURCE_EXHAUSTED");
    assertEquals("16", call("/guarded.Echo/Unary", Map.of(), "x").status(), "no token: UNAUTHENTICATED");
  }

  @Test
  void aTokenWithoutTheScopeIsPermissionDeniedAndOneWithItPasses() throws Exception {
    assertEquals("7", call("/guarded.Echo/Unary", Map.of("authorization", "Bearer " + token("echo:read")), "x").status());
    Call allowed = call("/guarded.Echo/Unary", Map.of("authorization", "Bearer " + token("echo:write")), "hi");
    assertEquals("0", allowed.status());
    assertEquals(List.of("echo:hi"), messages(allowed.body()));
  }

  private static String token(String scope) throws Exception {
    java.time.Instant now = java.time.Instant.now();
    com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
        new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256),
        new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer("gw").subject("alice").claim("scope", scope)
            .issueTime(java.util.Date.from(now)).expirationTime(java.util.Date.from(now.plusSeconds(300))).build());
    jwt.sign(new com.nimbusds.jose.crypto.MACSigner("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }
}
