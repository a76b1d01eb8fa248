package dev.gantry.config;

/**
 * HTTP/2 limits of the gateway listener ({@code http2.*}).
 *
 * @param maxConcurrentStreams streams a client connection may have open at once
 * @param maxHeaderListBytes   largest decoded header list of a request
 * @param maxResetsPerWindow   stream resets per window before the connection is closed (Rapid Reset)
 * @param resetWindowSeconds   that window
 */
public record Http2Config(int maxConcurrentStreams, int maxHeaderListBytes, int maxResetsPerWindow,
    int resetWindowSeconds) {
  public static Http2Config defaults() {
    return new Http2Config(100, 16_384, 200, 30);
  }
}
