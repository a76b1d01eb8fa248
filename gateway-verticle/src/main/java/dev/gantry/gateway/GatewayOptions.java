package dev.gantry.gateway;

import dev.gantry.gateway.edge.EdgeOptions;
import dev.gantry.gateway.spec.GatewaySpec;

/**
 * What the gateway verticle needs to know.
 *
 * @param host                 interface to bind
 * @param port                 port, 0 for any free one
 * @param requestTimeoutMillis deadline of a request unless its route sets another
 * @param maxBodyBytes         largest accepted request body unless its route sets another
 * @param shutdownGraceMillis  how long in-flight requests may finish when the verticle stops
 * @param zone                 this node's zone, preferred among upstream targets
 * @param seed                 routes and upstreams to store when the cluster has none yet
 * @param adminHost            admin listener interface
 * @param adminPort            admin listener port, 0 for any free one
 * @param adminToken           admin bearer token; null leaves the admin listener off
 * @param instances            listeners (event loops) serving the port; 0 for one per core
 * @param edge                 client-side time limits (header timeout, minimum body rate)
 */
public record GatewayOptions(String host, int port, long requestTimeoutMillis, long maxBodyBytes,
    long shutdownGraceMillis, String zone, GatewaySpec seed, String adminHost, int adminPort,
    String adminToken, int instances, EdgeOptions edge) {
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 5_000;
  public static final long DEFAULT_MAX_BODY_BYTES = 1 << 20;
  public static final long DEFAULT_SHUTDOWN_GRACE_MILLIS = 10_000;
  public static final String DEFAULT_ZONE = "default";
  public static final String DEFAULT_ADMIN_HOST = "127.0.0.1";
  public static final int DEFAULT_ADMIN_PORT = 9090;

  public static GatewayOptions defaults() {
    return new GatewayOptions(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_REQUEST_TIMEOUT_MILLIS,
        DEFAULT_MAX_BODY_BYTES, DEFAULT_SHUTDOWN_GRACE_MILLIS, DEFAULT_ZONE, GatewaySpec.EMPTY,
        DEFAULT_ADMIN_HOST, DEFAULT_ADMIN_PORT, null, 0, EdgeOptions.defaults());
  }

  public GatewayOptions withPort(int port) {
    return new GatewayOptions(host, port, requestTimeoutMillis, maxBodyBytes, shutdownGraceMillis, zone, seed,
        adminHost, adminPort, adminToken, instances, edge);
  }

  public GatewayOptions withRequestTimeout(long millis) {
    return new GatewayOptions(host, port, millis, maxBodyBytes, shutdownGraceMillis, zone, seed,
        adminHost, adminPort, adminToken, instances, edge);
  }

  public GatewayOptions withSeed(GatewaySpec spec) {
    return new GatewayOptions(host, port, requestTimeoutMillis, maxBodyBytes, shutdownGraceMillis, zone, spec,
        adminHost, adminPort, adminToken, instances, edge);
  }

  public GatewayOptions withZone(String zone) {
    return new GatewayOptions(host, port, requestTimeoutMillis, maxBodyBytes, shutdownGraceMillis, zone, seed,
        adminHost, adminPort, adminToken, instances, edge);
  }

  /** The admin listener on {@code port} (0 = any) with {@code token}. */
  public GatewayOptions withAdmin(int port, String token) {
    return new GatewayOptions(host, this.port, requestTimeoutMillis, maxBodyBytes, shutdownGraceMillis, zone, seed,
        adminHost, port, token, instances, edge);
  }

  /** {@code count} listeners on the port; 0 for one per core. */
  public GatewayOptions withInstances(int count) {
    return new GatewayOptions(host, port, requestTimeoutMillis, maxBodyBytes, shutdownGraceMillis, zone, seed,
        adminHost, adminPort, adminToken, count, edge);
  }

  /** Other client-side time limits. */
  public GatewayOptions withEdge(EdgeOptions limits) {
    return new GatewayOptions(host, port, requestTimeoutMillis, maxBodyBytes, shutdownGraceMillis, zone, seed,
        adminHost, adminPort, adminToken, instances, limits);
  }
}
