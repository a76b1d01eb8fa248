package dev.gantry.gateway.cache;

import java.util.List;

/**
 * The {@code compress} policy's configuration.
 *
 * @param encodings     codings offered, preferred in this order on equal weight ({@code br}, {@code gzip})
 * @param types         media types compressed: exact ({@code application/json}) or a whole type ({@code text/*})
 * @param minBytes      smaller bodies are sent as they are (compression would not pay)
 * @param maxBytes      larger bodies, and bodies of unknown length, stream past uncompressed
 * @param gzipLevel     deflate level, 1 (fast) to 9 (small)
 * @param brotliQuality brotli quality, 0 (fast) to 11 (small; too slow to do per response)
 */
public record CompressConfig(List<String> encodings, List<String> types, long minBytes, long maxBytes, int gzipLevel,
    int brotliQuality) {
  public static final List<String> DEFAULT_TYPES = List.of("text/*", "application/json", "application/javascript",
      "application/xml", "image/svg+xml");
  public static final long DEFAULT_MIN_BYTES = 1024;
  public static final long DEFAULT_MAX_BYTES = 8L << 20;

  public CompressConfig {
    encodings = List.copyOf(encodings);
    types = List.copyOf(types);
  }

  /** Whether a response of this {@code Content-Type} (parameters ignored) is to be compressed. */
  boolean compresses(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
    for (String pattern : types) {
      if (pattern.endsWith("/*") ? type.startsWith(pattern.substring(0, pattern.length() - 1)) : type.equals(pattern)) {
        return true;
      }
    }
    return false;
  }
}
