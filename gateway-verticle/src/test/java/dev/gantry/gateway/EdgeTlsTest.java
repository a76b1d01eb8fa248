package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.gateway.edge.EdgeOptions;
import dev.gantry.gateway.tls.DevCertificate;
import dev.gantry.gateway.tls.TlsOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the gateway listener: certificates chosen by SNI, a reload that swaps them under an open
 * connection, only TLS 1.2 and 1.3, ALPN h2, the plain listener that redirects, HSTS, and garbage
 * where a handshake should be.
 */
@ExtendWith(VertxExtension.class)
class EdgeTlsTest {
  @TempDir
  Path dir;
  private TestUpstream upstream;
  private GatewayHarness gw;
  private HttpClient client;
  private DevCertificate.Pair a;
  private DevCertificate.Pair b;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    upstream = new TestUpstream(vertx, "up").start();
    a = TlsTestKit.cert(dir, "a", "a.test");
    b = TlsTestKit.cert(dir, "b", "b.test");
    TlsOptions tls = new TlsOptions().setPem(List.of(a.cert(), b.cert()), List.of(a.key(), b.key()))
        .setRedirectPort(0).setHsts(31_536_000, true).setReloadCheckMillis(100);
    gw = GatewayHarness.startTls(vertx, GatewayHarness.routesTo(upstream,
        "{id: public, match: {path: /public/**}, upstream: up}"), EdgeOptions.defaults(), tls);
    client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(1));
  }

  @AfterEach
  void stop() {
    client.close().await();
    gw.stop();
    upstream.stop();
  }

  private HttpClientResponse get(HttpClient http, int port, String path) {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(path))
        .compose(r -> r.send().compose(resp -> resp.body().map(body -> resp))).await();
  }

  @Test
  void sniPicksTheCertificateOfTheNameAsked() throws Exception {
    int port = gw.gateway.actualPort();
    assertEquals("CN=a.test", TlsTestKit.presented(port, "a.test"));
    assertEquals("CN=b.test", TlsTestKit.presented(port, "b.test"));
  }

  @Test
  void aHandshakeWithoutSniOrWithAnUnknownNameStillGetsACertificate() throws Exception {
    int port = gw.gateway.actualPort();
    assertTrue(TlsTestKit.presented(port, null).startsWith("CN="));
    assertTrue(TlsTestKit.presented(port, "unknown.example").startsWith("CN="));
  }

  @Test
  void servesProxiedRequestsOverTlsWithHsts() {
    HttpClientResponse r = get(client, gw.gateway.actualPort(), "/public/x?q=1");
    assertEquals(200, r.statusCode());
    assertEquals("max-age=31536000; includeSubDomains", r.getHeader("Strict-Transport-Security"));
    assertEquals("https", upstream.lastHeaders.get("x-forwarded-proto"));
  }

  @Test
  void refusalsOverTlsCarryHstsToo() {
    HttpClientResponse r = get(client, gw.gateway.actualPort(), "/nothing/here");
    assertEquals(404, r.statusCode());
    assertEquals("max-age=31536000; includeSubDomains", r.getHeader("Strict-Transport-Security"));
  }

  @Test
  void slowHeadersOverTlsGetAn408ThatIsEncryptedToo(Vertx vertx) throws Exception {
    GatewayHarness quick = GatewayHarness.startTls(vertx, GatewayHarness.routesTo(upstream,
        "{id: public, match: {path: /public/**}, upstream: up}"), new EdgeOptions(300, 300, 1_000, false),
        new TlsOptions().setPem(List.of(a.cert()), List.of(a.key())));
    try {
      javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
      context.init(null, new javax.net.ssl.TrustManager[] {new TlsTestKit.TrustAll()}, null);
      int port = quick.gateway.actualPort();
      try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) context.getSocketFactory()
          .createSocket(new Socket("127.0.0.1", port), "127.0.0.1", port, true)) {
        s.setSoTimeout(10_000);
        s.startHandshake();
        s.getOutputStream().write("GET /public/x HTTP/1.1\r\nHost: a.test\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush(); // and the rest of the headers never comes
        String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
      }
    } finally {
      quick.stop();
    }
  }

  @Test
  void aRequestTheDecoderRefusesCarriesHstsToo() {
    HttpClientResponse r = client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
            .setPort(gw.gateway.actualPort()).setURI("/public/" + "x".repeat(9_000)))
        .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp))).await();
    assertEquals(414, r.statusCode());
    assertEquals("max-age=31536000; includeSubDomains", r.getHeader("Strict-Transport-Security"));
  }

  @Test
  void alpnNegotiatesHttp2(Vertx vertx) {
    HttpClient h2 = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
        .setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2));
    try {
      HttpClientResponse r = get(h2, gw.gateway.actualPort(), "/public/h2");
      assertEquals(200, r.statusCode());
      assertEquals(HttpVersion.HTTP_2, r.version());
    } finally {
      h2.close().await();
    }
  }

  @Test
  void aContinuationFloodOverTlsEndsTheConnectionToo() throws Exception {
    try (RawH2 h2 = RawH2.tls(gw.gateway.actualPort())) {
      java.util.concurrent.CompletableFuture<Long> closed = Http2FloodTest.goAway(h2, new java.util.ArrayList<>());
      try {
        h2.write(RawH2.HEADERS, 0, 1, h2.block(1, RawH2.get("/public/c")));
        for (int i = 0; i < 10_000 && !closed.isDone(); i++) {
          h2.write(RawH2.CONTINUATION, 0, 1, new byte[0]);
        }
        h2.flush();
      } catch (java.io.IOException e) {
        // closed while writing
      }
      assertEquals(0xB, closed.get(30, TimeUnit.SECONDS), "GOAWAY ENHANCE_YOUR_CALM");
    }
    assertEquals(200, get(client, gw.gateway.actualPort(), "/public/after").statusCode());
  }

  @Test
  void reloadSwapsTheCertificateWithoutDroppingAnOpenConnection(Vertx vertx) throws Exception {
    int port = gw.gateway.actualPort();
    HttpClientResponse first = get(client, port, "/public/1");
    assertEquals(200, first.statusCode());
    HttpConnection open = first.request().connection();
    assertEquals("CN=a.test", subject(open));

    // The first pair's files now hold the second certificate, as a renewal would leave them.
    DevCertificate.Pair renewed = TlsTestKit.cert(dir, "renewed", "renewed.test");
    Files.copy(renewed.key(), a.key(), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(renewed.cert(), a.cert(), StandardCopyOption.REPLACE_EXISTING);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String now = TlsTestKit.presented(port, "a.test");
    while (!now.equals("CN=renewed.test") && System.nanoTime() < deadline) {
      vertx.timer(50, TimeUnit.MILLISECONDS).await();
      now = TlsTestKit.presented(port, "a.test");
    }
    assertEquals("CN=renewed.test", now);
    assertEquals("CN=b.test", TlsTestKit.presented(port, "b.test"));

    HttpClientResponse second = get(client, port, "/public/2");
    assertEquals(200, second.statusCode());
    assertSame(open, second.request().connection(), "the open connection was kept");
    assertEquals("CN=a.test", subject(second.request().connection()));
    assertTrue(gw.gateway.certificateReloads() >= 1);
  }

  @Test
  void aBrokenCertificateFileLeavesTheWorkingOneServing(Vertx vertx) throws Exception {
    int port = gw.gateway.actualPort();
    Files.writeString(a.cert(), "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (gw.gateway.certificateReloadFailures() == 0 && System.nanoTime() < deadline) {
      vertx.timer(50, TimeUnit.MILLISECONDS).await();
    }
    assertEquals(1, gw.gateway.certificateReloadFailures());
    assertEquals("CN=a.test", TlsTestKit.presented(port, "a.test"));
    assertEquals(200, get(client, port, "/public/still").statusCode());
    assertEquals(0, gw.gateway.certificateReloads());
  }

  @Test
  void tls11AndTls10AreRefusedWhileTls12AndTls13AreServed() throws Exception {
    int port = gw.gateway.actualPort();
    assertTrue(openssl(port, "-tls1_2").contains("Protocol  : TLSv1.2") || openssl(port, "-tls1_2").contains("TLSv1.2"));
    assertTrue(openssl(port, "-tls1_3").contains("TLSv1.3"));
    String tls11 = openssl(port, "-tls1_1");
    assertTrue(tls11.startsWith("exit 1"), tls11);
    String tls10 = openssl(port, "-tls1");
    assertTrue(tls10.startsWith("exit 1"), tls10);
  }

  /** {@code openssl s_client} with {@code version}, allowed any cipher on its side: "exit N" and its output. */
  private static String openssl(int port, String version) throws Exception {
    Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", "a.test",
        version, "-cipher", "DEFAULT:@SECLEVEL=0").redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return "exit " + p.exitValue() + "\n" + out;
  }

  @Test
  void thePlainListenerRedirectsToHttpsKeepingPathAndQuery(Vertx vertx) {
    HttpClient plain = vertx.createHttpClient();
    try {
      HttpClientResponse r = plain.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
              .setPort(gw.gateway.redirectPort()).setURI("/public/a/../b?x=1&y=%20").putHeader("Host", "shop.example:80"))
          .compose(req -> req.send("body").compose(resp -> resp.body().map(x -> resp))).await();
      assertEquals(308, r.statusCode());
      assertEquals("https://shop.example:" + gw.gateway.actualPort() + "/public/b?x=1&y=%20", r.getHeader("Location"));
      assertNull(r.getHeader("Strict-Transport-Security"), "HSTS is sent over HTTPS only");
    } finally {
      plain.close().await();
    }
  }

  @Test
  void theRedirectRefusesAnInvalidHostOrTarget() throws Exception {
    int port = gw.gateway.redirectPort();
    String badHost = raw(port, "GET /x HTTP/1.1\r\nHost: evil.example/x?\r\n\r\n");
    assertTrue(badHost.startsWith("HTTP/1.1 400"), badHost);
    assertTrue(badHost.contains("application/problem+json"), badHost);
    String noHost = raw(port, "GET /x HTTP/1.0\r\n\r\n");
    assertTrue(noHost.startsWith("HTTP/1.1 400") || noHost.startsWith("HTTP/1.0 400"), noHost);
    String traversal = raw(port, "GET /%2e%2e/etc/passwd HTTP/1.1\r\nHost: a.test\r\n\r\n");
    assertTrue(traversal.startsWith("HTTP/1.1 400"), traversal);
  }

  @Test
  void garbageInsteadOfAHandshakeIsClosedAndTheListenerServesOn() throws Exception {
    int port = gw.gateway.actualPort();
    String answer = raw(port, "GET /public/x HTTP/1.1\r\nHost: a.test\r\n\r\n");
    assertTrue(!answer.contains("200"), answer);
    byte[] noise = new byte[4096];
    new java.util.Random(7).nextBytes(noise);
    noise[0] = 0x16; // a handshake record type, then nonsense
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(noise);
      out.flush();
      // an alert at most, then the close: a read that timed out would throw and fail the test
      byte[] reply = s.getInputStream().readAllBytes();
      assertTrue(reply.length == 0 || reply[0] == 0x15, "expected nothing or a TLS alert, got " + reply.length + " bytes");
    }
    assertEquals(200, get(client, port, "/public/after").statusCode());
  }

  /** Sends raw bytes and reads until the server closes (or 10 s). */
  private static String raw(int port, String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (java.net.SocketException e) {
      return "reset: " + e.getMessage();
    }
  }

  private static String subject(HttpConnection connection) throws Exception {
    return ((X509Certificate) connection.peerCertificates().get(0)).getSubjectX500Principal().getName();
  }

  @Test
  void aPkcs12StoreServesToo(Vertx vertx) throws Exception {
    Path store = dir.resolve("store.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "p12", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=p12.test",
        "-ext", "SAN=dns:p12.test", "-validity", "30", "-storetype", "PKCS12", "-keystore", store.toString(),
        "-storepass", "s3cret-pass", "-keypass", "s3cret-pass").redirectErrorStream(true).start();
    keytool.getInputStream().readAllBytes();
    assertEquals(0, keytool.waitFor());
    GatewayHarness p12 = GatewayHarness.startTls(vertx, GatewayHarness.routesTo(upstream,
        "{id: public, match: {path: /public/**}, upstream: up}"), EdgeOptions.defaults(),
        new TlsOptions().setKeystore(store, "s3cret-pass"));
    try {
      assertEquals("CN=p12.test", TlsTestKit.presented(p12.gateway.actualPort(), "p12.test"));
      assertEquals(200, get(client, p12.gateway.actualPort(), "/public/p12").statusCode());
    } finally {
      p12.stop();
    }
  }

  @Test
  void theDevCertificateIsMadeOnceAndReused() throws Exception {
    DevCertificate.Pair first = DevCertificate.in(dir.resolve("data"));
    String pem = Files.readString(first.cert());
    DevCertificate.Pair again = DevCertificate.in(dir.resolve("data"));
    assertEquals(pem, Files.readString(again.cert()));
    assertTrue(pem.startsWith("-----BEGIN CERTIFICATE-----"));
    assertTrue(Files.readString(first.key()).startsWith("-----BEGIN PRIVATE KEY-----"));
  }
}
