package dev.gantry.gateway.spec;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP upstream pool: its targets (with weight and zone), how one is chosen, how health is
 * checked actively and how failing targets are ejected passively.
 */
public record UpstreamSpec(String name, Algorithm algorithm, String hashOn, List<Target> targets,
    HealthCheck healthCheck, Outlier outlier, int zoneMinHealthyPercent, JsonObject source, Transport transport) {

  public enum Algorithm { ROUND_ROBIN, LEAST_REQUESTS, POWER_OF_TWO, CONSISTENT_HASH }

  public record Target(String host, int port, int weight, String zone) {
    public String address() {
      return host + ":" + port;
    }
  }

  public record HealthCheck(String path, long intervalMillis, long timeoutMillis, int healthyThreshold,
      int unhealthyThreshold) {}

  public record Outlier(int consecutiveFailures, long baseEjectionMillis, long maxEjectionMillis,
      int maxEjectedPercent) {
    public static final Outlier DEFAULT = new Outlier(5, 5_000, 300_000, 50);
  }

  /**
   * How the pool's targets are spoken to: HTTP/1.1 or HTTP/2 (by ALPN over TLS, with prior
   * knowledge in cleartext), and TLS with its checks.
   *
   * @param h2         HTTP/2 ({@code protocol: h2})
   * @param tls        the targets are {@code https://}
   * @param ca         PEM file of the CAs that may have issued the targets' certificates; null: the JDK's
   * @param verify     whether the certificate chain and name are checked (on unless {@code verify: false})
   * @param serverName the name sent as SNI and checked in the certificate; null: the target's host
   * @param cert       PEM client certificate chain presented to the targets (mTLS), or null
   * @param key        its PEM key, or null
   */
  public record Transport(boolean h2, boolean tls, String ca, boolean verify, String serverName, String cert,
      String key) {
    public static final Transport PLAIN = new Transport(false, false, null, true, null, null, null);
  }

  public UpstreamSpec {
    targets = List.copyOf(targets);
    // one PLAIN object, so the request path tells it by identity
    transport = transport == null || transport.equals(Transport.PLAIN) ? Transport.PLAIN : transport;
  }

  public static UpstreamSpec fromJson(JsonObject json, String path) {
    SpecReader r = SpecReader.of(json, path);
    String name = r.name("name");
    String algorithmText = r.string("algorithm", "round-robin");
    Algorithm algorithm;
    try {
      algorithm = Algorithm.valueOf(algorithmText.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw SpecReader.invalid(r.path("algorithm"),
          "one of round-robin, least-requests, power-of-two, consistent-hash; got " + algorithmText);
    }
    String hashOn = r.string("hash-on", algorithm == Algorithm.CONSISTENT_HASH ? "client-ip" : null);
    if (hashOn != null && !(hashOn.equals("client-ip") || hashOn.startsWith("header:") || hashOn.startsWith("cookie:"))) {
      throw SpecReader.invalid(r.path("hash-on"), "one of client-ip, header:<name>, cookie:<name>");
    }
    List<Target> targets = new ArrayList<>();
    String scheme = null;
    for (SpecReader t : r.objects("targets")) {
      String url = t.string("url");
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw SpecReader.invalid(t.path("url"), "not a URL: " + url);
      }
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
          || uri.getPort() <= 0 || !(uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))) {
        throw SpecReader.invalid(t.path("url"), "must be http://host:port or https://host:port, got " + url);
      }
      if (scheme == null) {
        scheme = uri.getScheme();
      } else if (!scheme.equals(uri.getScheme())) {
        throw SpecReader.invalid(t.path("url"), "every target of a pool uses one scheme; the first is " + scheme);
      }
      targets.add(new Target(uri.getHost(), uri.getPort(), (int) t.integer("weight", 1, 1, 1_000),
          t.string("zone", "default")));
      t.done();
    }
    if (targets.isEmpty()) {
      throw SpecReader.invalid(r.path("targets"), "at least one target is required");
    }
    HealthCheck health = null;
    SpecReader h = r.object("health-check");
    if (h != null) {
      String hpath = h.string("path", "/health");
      if (!hpath.startsWith("/")) {
        throw SpecReader.invalid(h.path("path"), "must start with /");
      }
      health = new HealthCheck(hpath, h.integer("interval-ms", 2_000, 50, 3_600_000),
          h.integer("timeout-ms", 1_000, 10, 60_000), (int) h.integer("healthy-threshold", 2, 1, 100),
          (int) h.integer("unhealthy-threshold", 2, 1, 100));
      h.done();
    }
    Outlier outlier = Outlier.DEFAULT;
    SpecReader o = r.object("outlier");
    if (o != null) {
      outlier = new Outlier((int) o.integer("consecutive-failures", 5, 1, 1_000),
          o.integer("base-ejection-ms", 5_000, 10, 3_600_000),
          o.integer("max-ejection-ms", 300_000, 10, 86_400_000),
          (int) o.integer("max-ejected-percent", 50, 0, 100));
      o.done();
    }
    int zonePercent = (int) r.integer("zone-min-healthy-percent", 50, 0, 100);
    Transport transport = transport(r, "https".equals(scheme));
    r.done();
    return new UpstreamSpec(name, algorithm, hashOn, targets, health, outlier, zonePercent, json.copy(), transport);
  }

  private static Transport transport(SpecReader r, boolean https) {
    String protocol = r.string("protocol", "http1");
    if (!protocol.equals("http1") && !protocol.equals("h2")) {
      throw SpecReader.invalid(r.path("protocol"), "one of http1, h2; got " + protocol);
    }
    SpecReader tls = r.object("tls");
    if (tls == null) {
      return new Transport(protocol.equals("h2"), https, null, true, null, null, null);
    }
    if (!https) {
      throw SpecReader.invalid(r.path("tls"), "needs https:// targets");
    }
    String ca = tls.string("ca", null);
    boolean verify = tls.bool("verify", true);
    String serverName = tls.string("server-name", null);
    String cert = tls.string("cert", null);
    String key = tls.string("key", null);
    if ((cert == null) != (key == null)) {
      throw SpecReader.invalid(tls.path(cert == null ? "cert" : "key"), "a client certificate needs both cert and key");
    }
    if (serverName != null && !serverName.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")) {
      throw SpecReader.invalid(tls.path("server-name"), "not a host name: " + serverName);
    }
    tls.done();
    return new Transport(protocol.equals("h2"), true, ca, verify, serverName, cert, key);
  }
}
