package dev.gantry.gateway.cache;

import dev.gantry.gateway.policy.Policy;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code compress} policy: a body of a configured type and of a known length between
 * {@code min-bytes} and {@code max-bytes} is read whole and sent in the coding the client's
 * {@code Accept-Encoding} weighs highest (br or gzip), with {@code Content-Encoding}, the new
 * {@code Content-Length} and its {@code ETag} suffixed by the coding ({@code "v1"} becomes
 * {@code "v1-gzip"}). Every response it could compress carries {@code Vary: Accept-Encoding},
 * compressed or not, so a cache around it keeps one variant per coding. Left as they are:
 * answers that already have a {@code Content-Encoding} (no double compression) or say
 * {@code no-transform}, HEAD, 1xx/204/206/304, requests with {@code Range}, and bodies that would
 * not get smaller. A client's validator naming a suffixed tag reaches the target unsuffixed, and a
 * 304 for it gets the suffix back: revalidation works through the compressor.
 */
public final class CompressPolicy implements Policy {
  /** Larger bodies are compressed on a worker thread rather than on the event loop. */
  private static final int INLINE_BYTES = 64 * 1024;
  private final CompressConfig config;
  private final Compressor compressor;
  private final Vertx vertx;
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  CompressPolicy(CompressConfig config, PolicyRuntime runtime) {
    this.config = config;
    this.compressor = new Compressor(config.encodings(), config.gzipLevel(), config.brotliQuality());
    this.vertx = runtime.node().vertx();
    this.registry = runtime.registry();
  }

  @Override
  public Future<Reply> apply(RouteExchange exchange, Next next) {
    HttpServerRequest request = exchange.request();
    boolean head = request.method() == HttpMethod.HEAD;
    String coding = head || request.headers().contains("Range") ? AcceptEncoding.IDENTITY
        : AcceptEncoding.parse(request.headers().getAll("Accept-Encoding")).choose(compressor.offered());
    String validated = unsuffix(request.headers());
    return next.proceed(exchange).compose(reply -> answer(exchange, reply, coding, validated));
  }

  private Future<Reply> answer(RouteExchange exchange, Reply reply, String coding, String validated) {
    int status = reply.status();
    if (status == 304) {
      String etag = reply.header("ETag");
      if (validated != null && etag != null && codingOf(etag) == null) {
        reply.headers().set("ETag", suffixed(etag, validated));
      }
      if (validated != null || reply.header("Vary") != null) {
        vary(reply); // a cache refreshing its stored variant keeps varying by coding
      }
      return Future.succeededFuture(reply);
    }
    if (status < 200 || status == 204 || status == 206 || reply.header("Content-Range") != null
        || encoded(reply.header("Content-Encoding")) || noTransform(reply.header("Cache-Control"))
        || !config.compresses(reply.header("Content-Type"))) {
      return Future.succeededFuture(reply);
    }
    vary(reply);
    if (coding.equals(AcceptEncoding.IDENTITY)) {
      return Future.succeededFuture(reply);
    }
    long declared = length(reply.header("Content-Length"));
    if (declared >= 0 && (declared < config.minBytes() || declared > config.maxBytes())) {
      return Future.succeededFuture(reply);
    }
    return reply.whole(config.maxBytes()).compose(whole -> {
      if (whole == null) {
        return Future.succeededFuture(reply); // of unknown length: it streams past as it is
      }
      Buffer body = whole.body() == null ? Buffer.buffer() : whole.body();
      if (body.length() < config.minBytes()) {
        return Future.succeededFuture(whole);
      }
      Future<Buffer> compressed = body.length() <= INLINE_BYTES || vertx == null
          ? Future.succeededFuture(compressor.compress(coding, body))
          : vertx.executeBlocking(() -> compressor.compress(coding, body), false); // deflating MiBs blocks for ms
      return compressed.map(out -> out.length() >= body.length() ? whole : encodedReply(exchange, whole, coding, body, out));
    });
  }

  private Reply encodedReply(RouteExchange exchange, Reply.Buffered whole, String coding, Buffer in, Buffer out) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(whole.headers());
    headers.set("Content-Encoding", coding);
    headers.set("Content-Length", Integer.toString(out.length()));
    // Ranges and digests of the identity body do not hold for the coded one.
    headers.remove("Accept-Ranges");
    headers.remove("Content-MD5");
    headers.remove("Content-Digest");
    headers.remove("Repr-Digest");
    String etag = headers.get("ETag");
    if (etag != null) {
      if (etag.endsWith("\"") && etag.indexOf('"') < etag.length() - 1) {
        headers.set("ETag", suffixed(etag, coding));
      } else {
        headers.remove("ETag"); // not a tag we can tell apart from the identity body's
      }
    }
    String route = exchange.routeId() == null ? "-" : exchange.routeId();
    count(route, coding, "gantry_compress_responses", "Responses compressed, by route and coding", 1);
    count(route, coding, "gantry_compress_bytes_in", "Bytes before compression", in.length());
    count(route, coding, "gantry_compress_bytes_out", "Bytes after compression", out.length());
    return Reply.of(whole.status(), headers, out);
  }

  private void count(String route, String coding, String name, String description, long amount) {
    counters.computeIfAbsent(name + '\u0000' + route + '\u0000' + coding, k -> Counter.builder(name)
        .description(description).tag("route", route).tag("encoding", coding).register(registry)).increment(amount);
  }

  /** Adds {@code Accept-Encoding} to the reply's {@code Vary}, keeping what it names ({@code *} stays alone). */
  private static void vary(Reply reply) {
    String vary = reply.header("Vary");
    if (vary == null || vary.isBlank()) {
      reply.headers().set("Vary", "Accept-Encoding");
      return;
    }
    for (String name : vary.split(",")) {
      String n = name.trim();
      if (n.equals("*") || n.equalsIgnoreCase("Accept-Encoding")) {
        return;
      }
    }
    reply.headers().set("Vary", vary + ", Accept-Encoding");
  }

  /**
   * Takes the coding suffix off the tags of {@code If-None-Match} and {@code If-Match}, so the
   * target compares its own tags; returns the coding of the last tag that had one (null: none).
   * {@code If-Range} keeps it: a range of the identity body is never a range of a coded one.
   */
  private static String unsuffix(MultiMap headers) {
    String found = null;
    for (String field : List.of("If-None-Match", "If-Match")) {
      List<String> lines = headers.getAll(field);
      if (lines.isEmpty()) {
        continue;
      }
      StringBuilder plain = new StringBuilder();
      boolean changed = false;
      for (String line : lines) {
        for (String tag : line.split(",")) {
          String t = tag.trim();
          String coding = codingOf(t);
          if (coding != null) {
            t = t.substring(0, t.length() - coding.length() - 2) + '"';
            found = coding;
            changed = true;
          }
          plain.append(plain.length() == 0 ? "" : ", ").append(t);
        }
      }
      if (changed) {
        headers.set(field, plain.toString());
      }
    }
    return found;
  }

  /** The coding whose suffix ends {@code etag} ({@code "v1-br"}), or null. */
  private static String codingOf(String etag) {
    for (String coding : List.of(Compressor.GZIP, Compressor.BROTLI)) {
      String end = "-" + coding + '"';
      if (etag.endsWith(end) && etag.length() > end.length() + 1) {
        return coding;
      }
    }
    return null;
  }

  private static String suffixed(String etag, String coding) {
    return etag.substring(0, etag.length() - 1) + '-' + coding + '"';
  }

  private static boolean encoded(String contentEncoding) {
    return contentEncoding != null && !contentEncoding.isBlank() && !contentEncoding.trim().equalsIgnoreCase("identity");
  }

  private static boolean noTransform(String cacheControl) {
    return cacheControl != null && cacheControl.toLowerCase(Locale.ROOT).contains("no-transform");
  }

  private static long length(String value) {
    try {
      return value == null ? -1 : Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
