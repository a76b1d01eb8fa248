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

  /** The same response revalidated now: the 304's headers replace the stored ones of the same name (RFC 9111 §4.3.4). */
  Entry refreshed(MultiMap notModified, long requestTime, long responseTime) {
    MultiMap merged = MultiMap.caseInsensitiveMultiMap().addAll(headers);
    for (String name : notModified.names()) {
      if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Transfer-Encoding")
          && !name.equalsIgnoreCase("Content-Encoding") && !name.equalsIgnoreCase("Content-Type")) {
        merged.set(name, notModified.getAll(name));
      }
    }
    return new Entry(key, route, path, status, merged, body, requestTime, responseTime, tags);
  }
}
