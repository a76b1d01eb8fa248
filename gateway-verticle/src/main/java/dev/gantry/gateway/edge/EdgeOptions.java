package dev.gantry.gateway.edge;

/**
 * Client-side limits of the gateway's listeners, separate from any upstream's: time limits,
 * cleartext HTTP/2, HTTP/2's own limits, on HTTPS the HSTS header, and the bodies held at once.
 *
 * @param headerTimeoutMillis how long a connection may take to send a request's headers, from its
 *                            opening or the end of the previous response (HAProxy's
 *                            {@code timeout http-request}); then 408 and close
 * @param bodyTimeoutMillis   how long a request body may take before its rate counts
 * @param minBodyRate         bytes per second a body must keep up after {@code bodyTimeoutMillis}:
 *                            the body's time allowance grows by one second per this many bytes
 *                            received (Apache's {@code mod_reqtimeout}); a slower body gets 408
 *                            and its connection closed
 * @param keepAliveTimeoutMillis how long a connection that has been answered may stay idle before
 *                            the next request's first byte (nginx's {@code keepalive_timeout});
 *                            then it is closed without a word. From that first byte the header
 *                            timeout applies. Longer than the header timeout by default, so that
 *                            a client's pool (Vert.x keeps connections 60 s) does not send on a
 *                            connection the gateway is closing at that instant
 * @param h2c                 whether cleartext HTTP/2 (prior knowledge or Upgrade) is served. Off by
 *                            default: Vert.x sets up a cleartext HTTP/1.x connection only after
 *                            decoding its first request when h2c is on, too late for the strict
 *                            decoder, so such connections then carry one request each
 * @param http2               HTTP/2 limits (streams, header list, resets)
 * @param hsts                the {@code Strict-Transport-Security} value every HTTPS response
 *                            carries, or null
 * @param maxHeldBodyBytes    bytes of request bodies the node holds whole at once (WAF, GraphQL,
 *                            retries, service calls), summed over all requests; a body that would
 *                            pass it gets 503. Default: a quarter of the heap ({@code -Xmx})
 */
public record EdgeOptions(long headerTimeoutMillis, long bodyTimeoutMillis, long minBodyRate, boolean h2c,
    Http2Limits http2, String hsts, long maxHeldBodyBytes, long keepAliveTimeoutMillis) {
  public static final long DEFAULT_HEADER_TIMEOUT_MILLIS = 10_000;
  public static final long DEFAULT_KEEP_ALIVE_TIMEOUT_MILLIS = 75_000;
  public static final long DEFAULT_BODY_TIMEOUT_MILLIS = 10_000;
  public static final long DEFAULT_MIN_BODY_RATE = 500;
  public static final long DEFAULT_MAX_HELD_BODY_BYTES = Math.max(16L << 20, Runtime.getRuntime().maxMemory() / 4);

  public EdgeOptions {
    if (headerTimeoutMillis < 1 || bodyTimeoutMillis < 1 || minBodyRate < 1 || maxHeldBodyBytes < 1
        || keepAliveTimeoutMillis < 1) {
      throw new IllegalArgumentException("edge limits must be positive");
    }
    java.util.Objects.requireNonNull(http2, "http2");
  }

  /**
   * Time limits and h2c, with the default HTTP/2 limits and no HSTS; an answered connection may
   * idle as long as a new one ({@link #withKeepAlive} sets it apart).
   */
  public EdgeOptions(long headerTimeoutMillis, long bodyTimeoutMillis, long minBodyRate, boolean h2c) {
    this(headerTimeoutMillis, bodyTimeoutMillis, minBodyRate, h2c, Http2Limits.defaults(), null,
        DEFAULT_MAX_HELD_BODY_BYTES, headerTimeoutMillis);
  }

  public EdgeOptions withKeepAlive(long millis) {
    return new EdgeOptions(headerTimeoutMillis, bodyTimeoutMillis, minBodyRate, h2c, http2, hsts, maxHeldBodyBytes,
        millis);
  }

  public EdgeOptions withHttp2(Http2Limits limits) {
    return new EdgeOptions(headerTimeoutMillis, bodyTimeoutMillis, minBodyRate, h2c, limits, hsts, maxHeldBodyBytes,
        keepAliveTimeoutMillis);
  }

  public EdgeOptions withHsts(String value) {
    return new EdgeOptions(headerTimeoutMillis, bodyTimeoutMillis, minBodyRate, h2c, http2, value, maxHeldBodyBytes,
        keepAliveTimeoutMillis);
  }

  public EdgeOptions withMaxHeldBodyBytes(long bytes) {
    return new EdgeOptions(headerTimeoutMillis, bodyTimeoutMillis, minBodyRate, h2c, http2, hsts, bytes,
        keepAliveTimeoutMillis);
  }

  public static EdgeOptions defaults() {
    return new EdgeOptions(DEFAULT_HEADER_TIMEOUT_MILLIS, DEFAULT_BODY_TIMEOUT_MILLIS, DEFAULT_MIN_BODY_RATE, false)
        .withKeepAlive(DEFAULT_KEEP_ALIVE_TIMEOUT_MILLIS);
  }

  /**
   * How often the listener looks for connections and bodies past their limits: a twentieth of the
   * shorter limit, from 20 to 250 ms. Often, so that connections falling due together (an attack
   * opens hundreds a second) are closed a few at a time: a sweep closing hundreds at once held its
   * event loop, and the peers' reactions, long enough to show in other clients' latency.
   */
  long sweepMillis() {
    return Math.max(20, Math.min(250, Math.min(headerTimeoutMillis, bodyTimeoutMillis) / 20));
  }
}
