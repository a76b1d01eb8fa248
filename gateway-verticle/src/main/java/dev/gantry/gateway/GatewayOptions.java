package dev.gantry.gateway;

/**
 * What the gateway verticle needs to know.
 *
 * @param host                 interface to bind
 * @param port                 port, 0 for any free one
 * @param requestTimeoutMillis deadline given to each API request
 * @param maxBodyBytes         largest accepted request body
 * @param shutdownGraceMillis  how long in-flight requests may finish when the verticle stops
 */
public record GatewayOptions(String host, int port, long requestTimeoutMillis, long maxBodyBytes,
    long shutdownGraceMillis) {
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 5_000;
  public static final long DEFAULT_MAX_BODY_BYTES = 1 << 20;
  public static final long DEFAULT_SHUTDOWN_GRACE_MILLIS = 10_000;

  public static GatewayOptions defaults() {
    return new GatewayOptions(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_REQUEST_TIMEOUT_MILLIS,
        DEFAULT_MAX_BODY_BYTES, DEFAULT_SHUTDOWN_GRACE_MILLIS);
  }

  public GatewayOptions withPort(int port) {
    return new GatewayOptions(host, port, requestTimeoutMillis, maxBodyBytes, shutdownGraceMillis);
  }

  public GatewayOptions withRequestTimeout(long millis) {
    return new GatewayOptions(host, port, millis, maxBodyBytes, shutdownGraceMillis);
  }
}
