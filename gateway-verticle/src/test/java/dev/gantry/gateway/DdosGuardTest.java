package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.security.Cidr;
import dev.gantry.gateway.spec.GatewaySpec;
import dev.gantry.testkit.Poll;
import dev.gantry.testkit.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway-wide {@code ddos} policy on a real gateway. Distinct clients are played through a
 * trusted proxy's {@code X-Forwarded-For}, since every test connection comes from 127.0.0.1.
 */
@ExtendWith(VertxExtension.class)
class DdosGuardTest {
  private TestUpstream upstream;
  private GatewayHarness gw;

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.stop();
      upstream.stop();
    }
  }

  private void start(Vertx vertx, String ddos) {
    upstream = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, "policies:\n  - ddos: " + ddos + "\n"
        + GatewayHarness.routesTo(upstream, "{id: public, match: {path: /public/**}, upstream: up}"));
  }

  private RawHttp.Response from(String client) {
    return RawHttp.exchange(gw.gateway.actualPort(), "GET /public/a HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: "
        + client + "\r\n\r\n");
  }

  @Test
  void eachClientGetsItsBurstThen429WithRetryAfterWhileOthersGoOn(Vertx vertx) {
    start(vertx, "{per-ip-rps: 1, burst: 3, trusted-proxies: [127.0.0.1/32, '::1/128']}");
    for (int i = 0; i < 3; i++) {
      assertEquals(200, from("203.0.113.7").status());
    }
    RawHttp.Response limited = from("203.0.113.7");
    assertEquals(429, limited.status());
    assertTrue(limited.isProblem());
    assertEquals("1", limited.header("retry-after"));
    assertEquals(200, from("203.0.113.8").status(), "another client has its own bucket");
    assertEquals(200, from("198.51.100.1, 203.0.113.9").status(), "the rightmost untrusted hop is the client");
    assertTrue(gw.registry.scrape().contains("gantry_ddos_refused_total{reason=\"rate\"} 1.0"), gw.registry.scrape());
  }

  @Test
  void forwardedForFromAnUntrustedPeerIsIgnored(Vertx vertx) {
    start(vertx, "{per-ip-rps: 1, burst: 2}");
    assertEquals(200, from("203.0.113.1").status());
    assertEquals(200, from("203.0.113.2").status());
    assertEquals(429, from("203.0.113.3").status(), "all three are the peer 127.0.0.1 when no proxy is trusted");
  }

  @Test
  void denyAndAllowListsMatchIpv4AndIpv6Blocks(Vertx vertx) {
    start(vertx, "{deny: [203.0.113.0/24, '2001:db8:bad::/48'], allow: [203.0.113.0/24, 198.51.100.0/25, "
        + "'2001:db8::/32'], trusted-proxies: [127.0.0.1]}");
    assertEquals(403, from("203.0.113.50").status(), "deny wins over allow");
    assertEquals(200, from("198.51.100.10").status());
    assertEquals(403, from("198.51.100.200").status(), "outside the /25");
    assertEquals(200, from("2001:db8:1::5").status());
    assertEquals(403, from("2001:db8:bad::1").status());
    assertEquals(403, from("192.0.2.1").status(), "not on the allow list");
    assertEquals(0, upstream.requests.get() - 2, "only the two allowed requests reached the upstream");
  }

  @Test
  void proxyWrittenForwardedForFormsAreUnderstoodAndHealthIsBehindThePolicies(Vertx vertx) {
    start(vertx, "{deny: [192.0.2.0/24, '2001:db8:bad::/48'], trusted-proxies: [127.0.0.1]}");
    for (String hop : List.of("192.0.2.5:1234", "\"192.0.2.5\"", "[2001:db8:bad::1]:80", " 192.0.2.5 ")) {
      assertEquals(403, from(hop).status(), hop);
    }
    RawHttp.Response health = RawHttp.exchange(gw.gateway.actualPort(), "GET /health/ready HTTP/1.1\r\nHost: h\r\n"
        + "X-Forwarded-For: 192.0.2.9\r\n\r\n");
    assertEquals(403, health.status(), "a denied client does not reach the readiness checks");
    assertEquals(200, RawHttp.exchange(gw.gateway.actualPort(), "GET /health/live HTTP/1.1\r\nHost: h\r\n\r\n").status());
  }

  @Test
  void anIpv6NetworkSharesOneBucket(Vertx vertx) {
    start(vertx, "{per-ip-rps: 1, burst: 2, trusted-proxies: [127.0.0.1]}");
    assertEquals(200, from("2001:db8:1:2::1").status());
    assertEquals(200, from("2001:db8:1:2::2").status());
    assertEquals(429, from("2001:db8:1:2::3").status(), "the same /64");
    assertEquals(200, from("2001:db8:1:3::1").status(), "another /64");
  }

  @Test
  void aPolicyRefusalBeforeTheBodyWasReadClosesTheConnection(Vertx vertx) {
    start(vertx, "{deny: [192.0.2.0/24], trusted-proxies: [127.0.0.1]}");
    try (RawHttp http = new RawHttp(gw.gateway.actualPort(), 5_000)) {
      http.send("POST /public/a HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 192.0.2.7\r\nContent-Length: 39\r\n\r\n"
          + "GET /public/inner HTTP/1.1\r\nHost: h\r\n\r\n");
      assertEquals(403, http.read().status());
      assertTrue(http.closedByServer());
    }
    assertEquals(0, upstream.requests.get());
  }

  @Test
  void aConnectionOverItsPeersCapIsClosedAsItIsAccepted(Vertx vertx) {
    start(vertx, "{max-connections-per-ip: 3}");
    List<RawHttp> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        RawHttp held = new RawHttp(gw.gateway.actualPort(), 5_000);
        assertEquals(200, held.send("GET /public/a HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
        open.add(held);
      }
      try (RawHttp extra = new RawHttp(gw.gateway.actualPort(), 5_000)) {
        assertTrue(extra.closedByServer(), "a connection over the cap is closed as it is accepted, before any byte");
      }
      // One held connection closes; once the gateway has counted both closes, a new one is within the cap.
      open.remove(0).close();
      Poll.until(vertx, java.time.Duration.ofSeconds(10), "a new connection within the cap is served", () -> {
        try (RawHttp probe = new RawHttp(gw.gateway.actualPort(), 5_000)) {
          return probe.send("GET /public/b HTTP/1.1\r\nHost: h\r\n\r\n").read().status() == 200;
        }
      });
    } finally {
      open.forEach(RawHttp::close);
    }
  }

  @Test
  void aBadBlockIsRefusedNamingItsPath() {
    ServiceException bad = assertThrows(ServiceException.class, () -> GatewaySpec.fromYaml(
        "policies:\n  - ddos: {deny: [10.0.0.0/8, 10.0.0.0/33]}\nroutes: []\nupstreams: []\n"));
    assertEquals("policies[0].ddos.deny[1]: not an IP address or CIDR block: 10.0.0.0/33", bad.detail());
    ServiceException name = assertThrows(ServiceException.class, () -> GatewaySpec.fromYaml(
        "policies:\n  - ddos: {allow: [localhost]}\nroutes: []\nupstreams: []\n"));
    assertTrue(name.detail().startsWith("policies[0].ddos.allow[0]: not an IP address"), "names are never resolved");
    ServiceException empty = assertThrows(ServiceException.class, () -> GatewaySpec.fromYaml(
        "policies:\n  - ddos: {allow: []}\nroutes: []\nupstreams: []\n"));
    assertEquals("policies[0].ddos.allow: must not be empty (leave it out for none)", empty.detail());
  }

  @Test
  void blocksMatchByPrefixAndMappedAddressesAsIpv4() {
    Cidr block = Cidr.parse("10.2.0.0/15");
    assertTrue(!block.contains(Cidr.bytes("10.1.255.255")) && block.contains(Cidr.bytes("10.3.2.3"))
        && !block.contains(Cidr.bytes("10.4.0.0")));
    assertTrue(Cidr.parse("10.0.0.0/8").contains(Cidr.bytes("::ffff:10.9.8.7")), "IPv4-mapped IPv6 is IPv4");
    assertNull(Cidr.parse("10.0.0.0/-1"));
    assertNull(Cidr.parse("fe80::/129"));
    assertTrue(Cidr.parse("0.0.0.0/0").contains(Cidr.bytes("8.8.8.8")));
  }
}
