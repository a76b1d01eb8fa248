package dev.gantry.gateway.security;

import dev.gantry.codecs.Failure;
import dev.gantry.gateway.edge.ClientConnections;
import dev.gantry.gateway.edge.Peer;
import dev.gantry.gateway.policy.Policy;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/**
 * The {@code ddos} policy: per-client caps a node enforces on its own. In order: the deny list
 * (403), the allow list (403 for anyone outside it), open connections per peer address (429, and
 * the connection closes), then a token bucket per client address (429 with {@code Retry-After}).
 * The client address is the peer's, or — when the peer is a trusted proxy — the rightmost
 * untrusted address of {@code X-Forwarded-For}. Refusals are counted by reason in
 * {@code gantry_ddos_refused_total}. Slow headers and bodies are the edge's clocks
 * ({@code http.header-timeout-ms}, {@code http.min-body-rate}), which hold for every request.
 */
public final class DdosGuard implements Policy {
  private final DdosConfig config;
  private final ClientConnections connections;
  private final RateBuckets buckets;
  private final Counter denied;
  private final Counter notAllowed;
  private final Counter tooManyConnections;
  private final Counter overRate;

  DdosGuard(DdosConfig config, PolicyRuntime runtime) {
    this.config = config;
    this.connections = runtime.connections();
    this.buckets = config.perIpRps() > 0 ? new RateBuckets(config.perIpRps(), config.burst(), config.maxTrackedIps())
        : null;
    MeterRegistry registry = runtime.registry();
    this.denied = counter(registry, "deny");
    this.notAllowed = counter(registry, "not-allowed");
    this.tooManyConnections = counter(registry, "connections");
    this.overRate = counter(registry, "rate");
  }

  private static Counter counter(MeterRegistry registry, String reason) {
    return Counter.builder("gantry.ddos.refused").description("Requests the DDoS guard refused, by reason")
        .tag("reason", reason).register(registry);
  }

  @Override
  public Future<Reply> apply(RouteExchange exchange, Next next) {
    HttpServerRequest request = exchange.request();
    String peer = Peer.hostAddress(request);
    if (peer == null) {
      return next.proceed(exchange); // not a socket (a test's request view): nothing to judge
    }
    String client = clientAddress(peer, request);
    byte[] address = client == peer ? peerBytes(peer) : Cidr.bytes(client);
    if (!config.deny().isEmpty() && Cidr.any(config.deny(), address)) {
      denied.increment();
      exchange.decide("ddos", "deny");
      return refuse(Failure.FORBIDDEN, "client: address " + client + " is denied");
    }
    if (!config.allow().isEmpty() && !Cidr.any(config.allow(), address)) {
      notAllowed.increment();
      exchange.decide("ddos", "not-allowed");
      return refuse(Failure.FORBIDDEN, "client: address " + client + " is not on the allow list");
    }
    if (config.maxConnectionsPerIp() > 0 && connections.count(peer) > config.maxConnectionsPerIp()) {
      tooManyConnections.increment();
      exchange.decide("ddos", "connections");
      Reply reply = Reply.problem(Failure.TOO_MANY_REQUESTS, "client: more than " + config.maxConnectionsPerIp()
          + " connections open from " + peer);
      reply.headers().set(HttpHeaders.CONNECTION, "close"); // this connection is one too many
      return Future.succeededFuture(reply);
    }
    if (buckets != null) {
      long waitNanos = buckets.take(rateKey(client, address), System.nanoTime());
      if (waitNanos > 0) {
        overRate.increment();
        exchange.decide("ddos", "rate");
        Reply reply = Reply.problem(Failure.TOO_MANY_REQUESTS, "client: more than " + (long) config.perIpRps()
            + " requests per second from " + client);
        reply.headers().set("Retry-After", Long.toString(Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L)));
        return Future.succeededFuture(reply);
      }
    }
    return next.proceed(exchange);
  }

  /** The peers' addresses as bytes (read only), by the identity of their text: one string per connection ({@link Peer}). */
  private static final IdentityMemo<String, byte[]> PEERS = new IdentityMemo<>(4096);

  private static byte[] peerBytes(String peer) {
    byte[] known = PEERS.get(peer);
    if (known != null) {
      return known;
    }
    byte[] address = Cidr.bytes(peer);
    return address == null ? null : PEERS.put(peer, address);
  }

  private static Future<Reply> refuse(Failure failure, String detail) {
    return Future.succeededFuture(Reply.problem(failure, detail));
  }

  /**
   * Whose bucket a request takes from: an IPv4 address, or an IPv6 address's /64 — one customer's
   * network holds 2^64 addresses, so counting them one by one would be no limit at all.
   */
  static String rateKey(String client, byte[] address) {
    if (address == null || address.length != 16) {
      return client;
    }
    StringBuilder key = new StringBuilder(20);
    for (int i = 0; i < 8; i++) {
      key.append(Character.forDigit(address[i] >> 4 & 0xF, 16)).append(Character.forDigit(address[i] & 0xF, 16));
    }
    return key.append("/64").toString();
  }

  /**
   * An address as proxies write it in {@code X-Forwarded-For}: possibly quoted, with a port
   * ({@code 192.0.2.5:1234}, {@code [2001:db8::1]:80}); the bare literal, or null.
   */
  static String hopAddress(String hop) {
    String value = hop.trim();
    if (value.length() > 1 && value.startsWith("\"") && value.endsWith("\"")) {
      value = value.substring(1, value.length() - 1).trim();
    }
    if (value.startsWith("[")) {
      int close = value.indexOf(']');
      return close < 0 ? null : value.substring(1, close);
    }
    int colon = value.indexOf(':');
    if (colon > 0 && colon == value.lastIndexOf(':')) {
      value = value.substring(0, colon); // IPv4 with a port
    }
    return Cidr.bytes(value) == null ? null : value;
  }

  /** The peer, or the client a trusted proxy in front of us names (rightmost untrusted hop). */
  String clientAddress(String peer, HttpServerRequest request) {
    List<Cidr> trusted = config.trustedProxies();
    if (trusted.isEmpty() || !Cidr.any(trusted, peerBytes(peer))) {
      return peer;
    }
    List<String> forwarded = request.headers().getAll("X-Forwarded-For");
    String client = peer;
    for (int h = forwarded.size() - 1; h >= 0; h--) {
      String[] hops = forwarded.get(h).split(",");
      for (int i = hops.length - 1; i >= 0; i--) {
        String hop = hopAddress(hops[i]);
        byte[] address = hop == null ? null : Cidr.bytes(hop);
        if (address == null) {
          return client; // not an address: the last hop that was one is as far as we can trust
        }
        client = hop;
        if (!Cidr.any(trusted, address)) {
          return client;
        }
      }
    }
    return client;
  }

  @Override
  public boolean appliesToUpgrade() {
    return true;
  }
}
