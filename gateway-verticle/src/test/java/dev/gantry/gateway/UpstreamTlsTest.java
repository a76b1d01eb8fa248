package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.spec.GatewaySpec;
import dev.gantry.gateway.tls.DevCertificate;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS from the gateway to its upstreams, per pool: the certificate is verified against the pool's
 * CA bundle (on by default), with the SNI name the pool gives; a client certificate when the
 * upstream asks for one (mTLS); HTTP/2 by ALPN. An upstream the gateway cannot verify is a 502
 * problem, never a request sent to it.
 */
@ExtendWith(VertxExtension.class)
class UpstreamTlsTest {
  @TempDir
  Path dir;
  private HttpServer upstream;
  private DevCertificate.Pair server;
  private DevCertificate.Pair stranger;
  private DevCertificate.Pair gatewayClient;
  private GatewayHarness gw;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    server = TlsTestKit.cert(dir, "up", "up.test");
    stranger = TlsTestKit.cert(dir, "stranger", "up.test"); // same name, another key: an unknown CA
    gatewayClient = TlsTestKit.cert(dir, "client", "gateway.test");
    upstream = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setSni(true).setUseAlpn(true)
            .setKeyCertOptions(new PemKeyCertOptions().setCertPath(server.cert().toString())
                .setKeyPath(server.key().toString()))
            .setClientAuth(ClientAuth.REQUEST)
            .setTrustOptions(new PemTrustOptions().addCertPath(gatewayClient.cert().toString())))
        .requestHandler(req -> {
          JsonObject seen = new JsonObject().put("version", req.version().name())
              .put("sni", req.connection().indicatedServerName());
          try {
            seen.put("client", ((X509Certificate) req.connection().peerCertificates().get(0))
                .getSubjectX500Principal().getName());
          } catch (Exception e) {
            seen.put("client", "none");
          }
          if (req.path().startsWith("/mtls") && seen.getString("client").equals("none")) {
            req.response().setStatusCode(403).end(seen.encode());
            return;
          }
          req.response().putHeader("content-type", "application/json").end(seen.encode());
        })
        .listen(0, "127.0.0.1").await();
    int port = upstream.actualPort();
    String url = "https://127.0.0.1:" + port;
    String yaml = """
        upstreams:
          - {name: trusted, targets: [{url: '%1$s'}], tls: {ca: '%2$s', server-name: up.test}}
          - {name: h2, protocol: h2, targets: [{url: '%1$s'}], tls: {ca: '%2$s', server-name: up.test}}
          - {name: unknown-ca, targets: [{url: '%1$s'}], tls: {ca: '%3$s', server-name: up.test}}
          - {name: jdk-trust, targets: [{url: '%1$s'}]}
          - {name: wrong-name, targets: [{url: '%1$s'}], tls: {ca: '%2$s', server-name: other.test}}
          - {name: mtls, targets: [{url: '%1$s'}], tls: {ca: '%2$s', server-name: up.test, cert: '%4$s', key: '%5$s'}}
        routes:
          - {id: trusted, match: {path: /trusted/**}, upstream: trusted}
          - {id: h2, match: {path: /h2/**}, upstream: h2}
          - {id: unknown-ca, match: {path: /unknown-ca/**}, upstream: unknown-ca}
          - {id: jdk-trust, match: {path: /jdk-trust/**}, upstream: jdk-trust}
          - {id: wrong-name, match: {path: /wrong-name/**}, upstream: wrong-name}
          - {id: mtls, match: {path: /mtls/**}, upstream: mtls}
          - {id: no-client-cert, match: {path: /mtls-missing/**}, upstream: trusted, rewrite: /mtls}
        """.formatted(url, server.cert(), stranger.cert(), gatewayClient.cert(), gatewayClient.key());
    gw = GatewayHarness.start(vertx, yaml);
  }

  @AfterEach
  void stop() {
    gw.stop();
    upstream.close().await();
  }

  @Test
  void aPoolVerifiesItsUpstreamAgainstItsCaAndSendsItsSniName() {
    HttpResponse<Buffer> r = gw.get("/trusted/x");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("up.test", r.bodyAsJsonObject().getString("sni"));
    assertEquals("HTTP_1_1", r.bodyAsJsonObject().getString("version"));
  }

  @Test
  void aPoolCanSpeakHttp2OverTls() {
    HttpResponse<Buffer> r = gw.get("/h2/x");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("HTTP_2", r.bodyAsJsonObject().getString("version"));
  }

  @Test
  void anUpstreamFromAnUnknownCaIsABadGateway() {
    for (String path : List.of("/unknown-ca/x", "/jdk-trust/x")) {
      HttpResponse<Buffer> r = gw.get(path);
      assertEquals(502, r.statusCode(), path + ": " + r.bodyAsString());
      assertEquals("application/problem+json", r.getHeader("content-type"));
    }
  }

  @Test
  void anUpstreamWhoseCertificateNamesAnotherHostIsABadGateway() {
    HttpResponse<Buffer> r = gw.get("/wrong-name/x");
    assertEquals(502, r.statusCode(), r.bodyAsString());
  }

  @Test
  void aPoolPresentsItsClientCertificate() {
    HttpResponse<Buffer> r = gw.get("/mtls/x");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("CN=gateway.test", r.bodyAsJsonObject().getString("client"));
    assertEquals(403, gw.get("/mtls-missing/x").statusCode(), "a pool without one presents none");
  }

  @Test
  void tlsMistakesInTheRouteFileNameTheField() {
    ServiceException plain = assertThrows(ServiceException.class, () -> GatewaySpec.fromYaml(
        "upstreams:\n  - {name: a, targets: [{url: 'http://h:1'}], tls: {ca: x.pem}}\n"));
    assertTrue(plain.detail().contains("upstreams[0].tls: needs https:// targets"), plain.detail());
    ServiceException half = assertThrows(ServiceException.class, () -> GatewaySpec.fromYaml(
        "upstreams:\n  - {name: a, targets: [{url: 'https://h:1'}], tls: {cert: c.pem}}\n"));
    assertTrue(half.detail().contains("upstreams[0].tls.key: a client certificate needs both cert and key"), half.detail());
    ServiceException mixed = assertThrows(ServiceException.class, () -> GatewaySpec.fromYaml(
        "upstreams:\n  - {name: a, targets: [{url: 'https://h:1'}, {url: 'http://h:2'}]}\n"));
    assertTrue(mixed.detail().contains("upstreams[0].targets[1].url: every target of a pool uses one scheme"), mixed.detail());
  }
}
