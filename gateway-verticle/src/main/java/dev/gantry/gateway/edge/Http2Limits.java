package dev.gantry.gateway.edge;

/**
 * What one HTTP/2 client connection may ask of a listener, announced in its SETTINGS and enforced
 * by Netty's HTTP/2 codec under Vert.x.
 *
 * @param maxConcurrentStreams streams open at once (SETTINGS_MAX_CONCURRENT_STREAMS); a stream
 *                             over it is refused with RST_STREAM REFUSED_STREAM
 * @param maxHeaderListBytes   a request's decoded header list (SETTINGS_MAX_HEADER_LIST_SIZE, each
 *                             field counted as name + value + 32); a header block beyond it —
 *                             however many CONTINUATION frames carry it — ends the connection
 *                             with GOAWAY, so a CONTINUATION flood is never buffered
 * @param maxResetsPerWindow   RST_STREAM frames a client may send (and make the server send) per
 *                             window before the connection is closed with GOAWAY
 *                             ENHANCE_YOUR_CALM: the Rapid Reset attack (CVE-2023-44487)
 * @param resetWindowSeconds   that window
 */
public record Http2Limits(int maxConcurrentStreams, int maxHeaderListBytes, int maxResetsPerWindow,
    int resetWindowSeconds) {
  public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;
  public static final int DEFAULT_MAX_HEADER_LIST_BYTES = 16_384;
  public static final int DEFAULT_MAX_RESETS_PER_WINDOW = 200;
  public static final int DEFAULT_RESET_WINDOW_SECONDS = 30;

  public Http2Limits {
    if (maxConcurrentStreams < 1 || maxHeaderListBytes < 1_024 || maxResetsPerWindow < 1 || resetWindowSeconds < 1) {
      throw new IllegalArgumentException("HTTP/2 limits must be positive (header list at least 1024 bytes)");
    }
  }

  public static Http2Limits defaults() {
    return new Http2Limits(DEFAULT_MAX_CONCURRENT_STREAMS, DEFAULT_MAX_HEADER_LIST_BYTES,
        DEFAULT_MAX_RESETS_PER_WINDOW, DEFAULT_RESET_WINDOW_SECONDS);
  }
}
