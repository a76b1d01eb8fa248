package dev.gantry.gateway.cache;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * A stored response: what the client would have got, when it was asked for and received (for its
 * age), and how it is found again — its key (route, host, path, query and the values of the
 * request headers its {@code Vary} names), its path (for a purge by prefix) and its tags (from
 * {@code Cache-Tag} / {@code Surrogate-Key}).
 *
 * @param requestTime  epoch ms when the request that fetched it left
 * @param responseTime epoch ms when the response arrived
 */
record Entry(String key, String route, String path, int status, MultiMap headers, Buffer body, long requestTime,
    long responseTime, List<String> tags) {

  /** Fields a 304 cannot change: they describe the stored body itself. */
  private static final java.util.Set<String> BODY_BOUND = java.util.Set.of("content-length", "transfer-encoding",
      "content-encoding", "content-range", "content-md5", "digest", "content-digest", "etag");

  Entry {
    tags = List.copyOf(tags);
  }

  /** What it costs the node's memory, roughly: the body, the headers and some bookkeeping. */
  long bytes() {
    long size = body.length() + key.length() * 2L + 256;
    for (var h : headers) {
      size += h.getKey().length() + h.getValue().length() + 32;
    }
    return size;
  }

  CacheControl cacheControl() {
    return CacheControl.parse(headers.getAll("Cache-Control"));
  }

  String etag() {
    return headers.get("ETag");
  }

  String lastModified() {
    return headers.get("Last-Modified");
  }

  /**
   * The same response revalidated now: the 304's headers replace the stored ones of the same name
   * (RFC 9111 §3.2, §4.3.4), except those the stored body depends on: its length, framing, coding,
   * range, digest and validator.
   */
  Entry refreshed(MultiMap notModified, long requestTime, long responseTime) {
    MultiMap merged = MultiMap.caseInsensitiveMultiMap().addAll(headers);
    for (String name : notModified.names()) {
      if (!BODY_BOUND.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        merged.set(name, notModified.getAll(name));
      }
    }
    return new Entry(key, route, path, status, merged, body, requestTime, responseTime, tags);
  }
}
