package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.gateway.edge.EdgeOptions;
import dev.gantry.gateway.tls.DevCertificate;
import dev.gantry.gateway.tls.TlsOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's {@code testssl.sh} scans the gateway's TLS listener (protocols, cipher categories,
 * forward secrecy, server defaults and certificate, server preferences, HTTP headers and every
 * vulnerability check it has): no finding may be rated HIGH or CRITICAL. The certificate is a dev
 * certificate the scan is told to trust ({@code --add-ca}), as an operator's CA-issued one would be.
 * Client-initiated renegotiation is refused through the JDK switch gantry.jar sets (the build sets
 * it for tests too: {@code jdk.tls.rejectClientInitiatedRenegotiation}).
 * The summary (findings by severity, every one from LOW up) is kept in
 * {@code target/testssl/summary.txt}, the whole JSON report beside it.
 */
@ExtendWith(VertxExtension.class)
class TlsScanTest {
  @TempDir
  Path dir;

  @Test
  void testsslFindsNothingHighOrCritical(Vertx vertx) throws Exception {
    TestUpstream upstream = new TestUpstream(vertx, "up").start();
    // A CA-issued certificate names where its revocation is published; the scan rates one that
    // names none HIGH, so this one names an OCSP responder as such a certificate would.
    DevCertificate.Pair cert = DevCertificate.create(dir, "scan", List.of("localhost"), List.of("127.0.0.1"),
        "http://127.0.0.1:9/ocsp");
    GatewayHarness gw = GatewayHarness.startTls(vertx, GatewayHarness.routesTo(upstream,
        "{id: root, match: {path: /**}, upstream: up}"), EdgeOptions.defaults(),
        new TlsOptions().setPem(List.of(cert.cert()), List.of(cert.key())).setHsts(31_536_000, true));
    try {
      Path out = Path.of("target", "testssl");
      Files.createDirectories(out);
      Path json = out.resolve("testssl.json");
      Files.deleteIfExists(json);
      Process scan = new ProcessBuilder("testssl", "--quiet", "--color", "0", "--warnings", "off",
          "--add-ca", cert.cert().toString(), "--jsonfile", json.toString(),
          "-p", "-s", "-f", "-S", "-P", "-h", "-U", "https://localhost:" + gw.gateway.actualPort())
          .redirectErrorStream(true).redirectOutput(out.resolve("testssl.log").toFile()).start();
      assertTrue(scan.waitFor(15, TimeUnit.MINUTES), "testssl did not finish");
      JsonArray findings = new JsonArray(Files.readString(json, StandardCharsets.UTF_8));
      Map<String, Integer> counts = new TreeMap<>();
      List<String> notable = new ArrayList<>();
      List<String> severe = new ArrayList<>();
      for (Object o : findings) {
        JsonObject f = (JsonObject) o;
        String severity = f.getString("severity", "");
        counts.merge(severity, 1, Integer::sum);
        String line = severity + " " + f.getString("id") + ": " + f.getString("finding");
        if (List.of("LOW", "MEDIUM", "HIGH", "CRITICAL").contains(severity)) {
          notable.add(line);
        }
        if (severity.equals("HIGH") || severity.equals("CRITICAL")) {
          severe.add(line);
        }
      }
      String summary = "testssl against the gateway's TLS listener: " + findings.size() + " findings, by severity "
          + counts + "\n" + String.join("\n", notable) + "\n";
      Files.writeString(out.resolve("summary.txt"), summary);
      assertTrue(findings.size() > 50, "the scan ran its checks: " + summary);
      assertEquals(List.of(), severe, summary);
    } finally {
      gw.stop();
      upstream.stop();
    }
  }
}
