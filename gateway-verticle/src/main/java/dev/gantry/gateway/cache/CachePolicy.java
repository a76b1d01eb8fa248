package dev.gantry.gateway.cache;

import dev.gantry.gateway.policy.NodeResources;
import dev.gantry.gateway.policy.Policy;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code cache} policy: a shared cache (RFC 9111) in front of the route's target. For GET and
 * HEAD, a fresh stored response is served with {@code Age} and {@code X-Cache: HIT} (or 304 when
 * the client's validator matches); a stale one is revalidated with the upstream by its
 * {@code ETag} / {@code Last-Modified} ({@code REVALIDATED} on 304), served stale while one
 * request revalidates it within {@code stale-while-revalidate}, or served stale when the upstream
 * fails within {@code stale-if-error}. Concurrent misses of one key make one upstream request.
 * Requests with {@code Authorization} or a cookie use and fill the cache only for responses marked
 * {@code public} or {@code s-maxage}; {@code Set-Cookie}, {@code private}, {@code no-store} and
 * {@code Vary: *} responses are never stored. Everything else passes by ({@code BYPASS}).
 */
public final class CachePolicy implements Policy {
  private static final List<String> CLIENT_CONDITIONALS = List.of("If-None-Match", "If-Modified-Since",
      "If-Match", "If-Unmodified-Since", "If-Range");
  private final CacheConfig config;
  private final HttpCache cache;
  /** Misses (and background revalidations) in flight, by key: later requests of the key wait on them. */
  private final Map<String, Future<Entry>> inFlight;
  /** The cluster's Redis as a second tier, or null. */
  private final RedisTier shared;
  private final io.vertx.core.Vertx vertx;

  @SuppressWarnings("unchecked")
  CachePolicy(CacheConfig config, PolicyRuntime runtime) {
    this.config = config;
    NodeResources node = runtime.node();
    this.cache = node.keep(HttpCache.class.getName(), () -> new HttpCache(node.vertx(), runtime.registry(),
        config.memoryBytes()));
    cache.atLeast(config.memoryBytes());
    this.vertx = node.vertx();
    this.inFlight = node.keep(CachePolicy.class.getName() + ".inFlight", ConcurrentHashMap::new);
    this.shared = config.redis() && node.running() && node.redis() != null
        ? node.keep(RedisTier.class.getName(), () -> new RedisTier(node.vertx(), node.redis(), cache)) : null;
  }

  @Override
  public Future<Reply> apply(RouteExchange exchange, Next next) {
    HttpServerRequest request = exchange.request();
    HttpMethod method = request.method();
    if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
      return next.proceed(exchange).compose(reply -> invalidated(exchange, reply)).map(reply -> mark(reply, "BYPASS"));
    }
    // the origin may then address this cache in Surrogate-Control (";gantry"); a client's claim is replaced
    request.headers().set("Surrogate-Capability", CacheControl.SURROGATE_TOKEN + "=\"Surrogate/1.0\"");
    CacheControl asked = CacheControl.parse(request.headers().getAll("Cache-Control"));
    if (asked.has("no-store")) {
      cache.count(exchange.routeId(), "bypass");
      return next.proceed(exchange).map(reply -> mark(reply, "BYPASS"));
    }
    String primary = primaryKey(exchange);
    List<String> vary = cache.varyOf(primary);
    String key = vary == null ? primary : variantKey(primary, vary, request.headers());
    Entry local = key == null ? null : cache.get(key);
    if (local != null || shared == null || key == null) {
      return decide(exchange, next, asked, primary, key, local);
    }
    // not on this node: perhaps another node stored it in Redis
    long epoch = cache.purgeEpoch();
    Future<List<String>> varied = vary != null ? Future.succeededFuture(vary) : shared.varyOf(primary);
    return varied.compose(names -> {
      String sharedKey = names == null ? primary : variantKey(primary, names, request.headers());
      if (sharedKey == null) {
        return decide(exchange, next, asked, primary, key, null);
      }
      return shared.get(sharedKey).compose(found -> {
        if (found != null && cache.purgeEpoch() == epoch) { // a purge since the read: serve it once, keep it not
          cache.put(primary, names == null ? List.of() : names, found);
        }
        return decide(exchange, next, asked, primary, sharedKey, found);
      });
    });
  }

  private Future<Reply> decide(RouteExchange exchange, Next next, CacheControl asked, String primary, String key,
      Entry found) {
    HttpServerRequest request = exchange.request();
    Entry stored = found;
    boolean credentials = request.headers().contains("Authorization") || request.headers().contains("Cookie");
    if (stored != null && credentials && !shareable(stored.cacheControl())) {
      stored = null; // another client's response, not marked shareable: never to a credentialed request
    }
    long now = System.currentTimeMillis();
    if (stored != null) {
      CacheControl cc = stored.cacheControl();
      long lifetime = lifetime(stored, cc);
      long age = Freshness.age(stored, now);
      boolean surrogateRules = surrogateSays(CacheControl.surrogate(stored.headers().getAll("Surrogate-Control"))) != null;
      boolean mustAsk = asked.has("no-cache") || asked.seconds("max-age") == 0 || cc.has("no-cache") && !surrogateRules
          || "no-cache".equalsIgnoreCase(request.getHeader("Pragma")) && !request.headers().contains("Cache-Control");
      long maxAge = asked.seconds("max-age");
      long minFresh = Math.max(0, asked.seconds("min-fresh"));
      boolean fresh = lifetime > age + minFresh && (maxAge < 0 || age <= maxAge);
      if (fresh && !mustAsk) {
        cache.count(exchange.routeId(), "hit");
        return Future.succeededFuture(serve(stored, request, now, "HIT"));
      }
      boolean stalePermitted = !cc.has("must-revalidate") && !cc.has("proxy-revalidate") && !cc.has("s-maxage");
      long swr = cc.seconds("stale-while-revalidate");
      if (!mustAsk && stalePermitted && swr > 0 && age < lifetime + swr) {
        cache.count(exchange.routeId(), "stale");
        revalidateInBackground(exchange, next, primary, key, stored);
        return Future.succeededFuture(serve(stored, request, now, "STALE"));
      }
      return revalidate(exchange, next, primary, key, stored, stalePermitted);
    }
    if (asked.has("only-if-cached")) {
      cache.count(exchange.routeId(), "miss");
      return Future.succeededFuture(mark(Reply.problem(dev.gantry.codecs.Failure.TIMEOUT,
          "only-if-cached: no stored response"), "MISS"));
    }
    return fetch(exchange, next, primary, key, credentials, !credentials && key != null);
  }

  /**
   * A miss: one request goes to the target; its answer is stored when it may be, and served. With
   * {@code collapse}, a request that finds another fetching the same key waits for that one instead
   * (and goes alone only when its answer could not be stored).
   */
  private Future<Reply> fetch(RouteExchange exchange, Next next, String primary, String key, boolean credentials,
      boolean collapse) {
    io.vertx.core.Promise<Entry> stored = io.vertx.core.Promise.promise();
    if (collapse) {
      Future<Entry> leader = inFlight.putIfAbsent(key, stored.future());
      if (leader != null) {
        return leader.transform(ar -> ar.succeeded() && ar.result() != null
            ? Future.succeededFuture(serve(ar.result(), exchange.request(), System.currentTimeMillis(), "HIT"))
            : fetch(exchange, next, primary, key, credentials, false));
      }
    }
    boolean leads = collapse;
    List<String[]> conditionals = takeConditionals(exchange.request().headers());
    long requestTime = System.currentTimeMillis();
    cache.count(exchange.routeId(), "miss");
    Future<Reply> answered = next.proceed(exchange).compose(reply -> keep(exchange, primary, reply, requestTime, credentials)
        .map(kept -> {
          Entry entry = kept.entry();
          stored.tryComplete(entry);
          if (entry == null) {
            return mark(kept.reply(), "MISS");
          }
          restore(exchange.request().headers(), conditionals);
          return serve(entry, exchange.request(), System.currentTimeMillis(), "MISS");
        }));
    return answered.andThen(ar -> {
      stored.tryComplete(null);
      if (leads) {
        inFlight.remove(key, stored.future());
      }
    });
  }

  /** A stale entry (or one that must be checked): a conditional request to the target. */
  private Future<Reply> revalidate(RouteExchange exchange, Next next, String primary, String key, Entry stored,
      boolean stalePermitted) {
    MultiMap headers = exchange.request().headers();
    List<String[]> conditionals = takeConditionals(headers);
    if (stored.etag() != null) {
      headers.set("If-None-Match", stored.etag());
    } else if (stored.lastModified() != null) {
      headers.set("If-Modified-Since", stored.lastModified());
    }
    long requestTime = System.currentTimeMillis();
    boolean credentials = headers.contains("Authorization") || headers.contains("Cookie");
    return next.proceed(exchange).transform(ar -> {
      long now = System.currentTimeMillis();
      Reply reply = ar.succeeded() ? ar.result() : null;
      if (reply != null && reply.status() == 304) {
        return reply.whole(0).map(notModified -> {
          Entry refreshed = stored.refreshed(notModified == null ? MultiMap.caseInsensitiveMultiMap()
              : notModified.headers(), requestTime, now);
          put(primary, varyNames(refreshed.headers()), refreshed);
          cache.count(exchange.routeId(), "revalidated");
          restore(headers, conditionals);
          return serve(refreshed, exchange.request(), now, "REVALIDATED");
        });
      }
      long sie = stored.cacheControl().seconds("stale-if-error");
      boolean failed = reply == null || reply.status() >= 500;
      if (failed && stalePermitted && sie > 0 && Freshness.age(stored, now) < lifetime(stored, stored.cacheControl()) + sie) {
        cache.count(exchange.routeId(), "stale");
        restore(headers, conditionals);
        return Future.succeededFuture(serve(stored, exchange.request(), now, "STALE"));
      }
      if (reply == null) {
        return Future.failedFuture(ar.cause());
      }
      cache.count(exchange.routeId(), "miss");
      return keep(exchange, primary, reply, requestTime, credentials).map(kept -> {
        Entry entry = kept.entry();
        if (entry == null) {
          if (reply.status() < 500) {
            cache.remove(key); // the resource changed into something not to be kept
          }
          return mark(kept.reply(), "MISS");
        }
        restore(headers, conditionals);
        return serve(entry, exchange.request(), now, "MISS");
      });
    });
  }

  /**
   * RFC 9111 §4.4: an unsafe method (any but GET, HEAD, OPTIONS, TRACE) answered without error
   * makes what is stored for its target stale — and for the {@code Location} and
   * {@code Content-Location} it names on the same host — in this node's memory before the client
   * hears back, in Redis (bounded), and on the other nodes as the purge message reaches them.
   */
  private Future<Reply> invalidated(RouteExchange exchange, Reply reply) {
    HttpServerRequest request = exchange.request();
    HttpMethod method = request.method();
    if (method == HttpMethod.OPTIONS || method == HttpMethod.TRACE || reply.status() < 200 || reply.status() >= 400) {
      return Future.succeededFuture(reply);
    }
    List<String> targets = new ArrayList<>(3);
    targets.add(target(request));
    for (String name : List.of("Location", "Content-Location")) {
      String named = sameHostTarget(request, reply.header(name));
      if (named != null && !targets.contains(named)) {
        targets.add(named);
      }
    }
    List<Future<Void>> redis = new ArrayList<>(targets.size());
    for (String target : targets) {
      cache.invalidate(target);
      if (vertx != null) {
        // every node's memory; Redis is done once, here, not by each node that hears it
        vertx.eventBus().publish(dev.gantry.codecs.Addresses.CACHE_PURGE,
            cache.invalidation(target).put(RedisTier.MEMORY_ONLY, true));
      }
      if (shared != null) {
        redis.add(shared.invalidate(target));
      }
    }
    // Once Redis is done, this node's memory once more: a read in between may have refilled it from
    // Redis. (This node skips its own message when it comes back; the other nodes purge their
    // memory as it reaches them.)
    return Future.join(redis).transform(ar -> {
      if (!redis.isEmpty()) {
        targets.forEach(cache::invalidate);
      }
      return Future.succeededFuture(reply);
    });
  }

  /**
   * The path and query a {@code Location} / {@code Content-Location} value names, resolved against
   * the request; null when absent, unreadable or on another host (which must not be invalidated).
   */
  static String sameHostTarget(HttpServerRequest request, String value) {
    String authority = dev.gantry.gateway.edge.Authority.of(request);
    if (value == null || value.isBlank() || authority == null) {
      return null;
    }
    try {
      java.net.URI base = new java.net.URI((request.isSSL() ? "https://" : "http://") + authority + request.path());
      java.net.URI named = base.resolve(value.trim());
      if (named.getRawPath() == null || named.getHost() == null || !named.getHost().equalsIgnoreCase(base.getHost())
          || named.getPort() != base.getPort()) {
        return null;
      }
      return target(named.getRawPath(), named.getRawQuery());
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  /** Stale-while-revalidate: one background revalidation per key; this client is served the stale copy. */
  private void revalidateInBackground(RouteExchange exchange, Next next, String primary, String key, Entry stored) {
    io.vertx.core.Promise<Entry> done = io.vertx.core.Promise.promise();
    if (inFlight.putIfAbsent(key, done.future()) != null) {
      return;
    }
    revalidate(exchange, next, primary, key, stored, false).onComplete(ar -> {
      inFlight.remove(key, done.future());
      done.tryComplete(cache.get(key));
    });
  }

  /**
   * What became of an answer: the entry when it was stored (null when not), and the reply to send
   * on — the answer itself, or its buffered copy once its body was read.
   */
  private record Kept(Entry entry, Reply reply) {}

  /** Stores the reply when RFC 9111 lets a shared cache keep it. */
  private Future<Kept> keep(RouteExchange exchange, String primary, Reply reply, long requestTime, boolean credentials) {
    HttpServerRequest request = exchange.request();
    if (request.method() != HttpMethod.GET || !Freshness.UNDERSTOOD.contains(reply.status())
        || !storable(reply, credentials)) {
      return Future.succeededFuture(new Kept(null, reply)); // decided by its headers: the body streams past
    }
    return reply.wholeUpTo(config.maxObjectBytes()).map(whole -> whole == null ? new Kept(null, reply)
        : new Kept(store(exchange, primary, whole, requestTime, credentials), whole));
  }

  /**
   * Whether the answer's headers let it be stored (what {@link #store} checks again on the whole
   * answer): a body is only held back to be read whole when it will be kept.
   */
  private boolean storable(Reply reply, boolean credentials) {
    CacheControl cc = CacheControl.parse(lines(reply.header("Cache-Control")));
    Boolean surrogate = surrogateSays(CacheControl.surrogate(lines(reply.header("Surrogate-Control"))));
    if (Boolean.FALSE.equals(surrogate) || reply.header("Set-Cookie") != null || credentials && !shareable(cc)
        || surrogate == null && (cc.has("no-store") || cc.has("private"))) {
      return false;
    }
    String vary = reply.header("Vary");
    if (vary != null && java.util.Arrays.stream(vary.split(",")).anyMatch(v -> v.trim().equals("*"))) {
      return false;
    }
    boolean stated = surrogate != null || cc.seconds("s-maxage") != -1 || cc.seconds("max-age") != -1
        || reply.header("Expires") != null;
    return stated || cc.has("no-cache") || config.defaultTtlSeconds() > 0 && Freshness.HEURISTIC.contains(reply.status());
  }

  /**
   * What {@code Surrogate-Control} decides for this cache: false for {@code no-store}, true for a
   * {@code max-age} (stored, whatever Cache-Control says), null when it says neither.
   */
  private static Boolean surrogateSays(CacheControl surrogate) {
    if (surrogate == null) {
      return null;
    }
    if (surrogate.has("no-store")) {
      return false;
    }
    return surrogate.seconds("max-age") >= 0 ? true : null;
  }

  private static List<String> lines(String joined) {
    return joined == null ? List.of() : List.of(joined);
  }

  private Entry store(RouteExchange exchange, String primary, Reply.Buffered whole, long requestTime,
      boolean credentials) {
    HttpServerRequest request = exchange.request();
    MultiMap headers = whole.headers();
    CacheControl cc = CacheControl.parse(headers.getAll("Cache-Control"));
    Boolean surrogate = surrogateSays(CacheControl.surrogate(headers.getAll("Surrogate-Control")));
    if (Boolean.FALSE.equals(surrogate) || headers.contains("Set-Cookie") || credentials && !shareable(cc)
        || surrogate == null && (cc.has("no-store") || cc.has("private"))) {
      return null;
    }
    List<String> vary = varyNames(headers);
    if (vary.contains("*")) {
      return null;
    }
    long lifetime = Freshness.lifetime(headers, cc);
    if (lifetime < 0 && !(config.defaultTtlSeconds() > 0 && Freshness.HEURISTIC.contains(whole.status()))
        && !cc.has("no-cache")) {
      return null; // states no freshness, and heuristics are off
    }
    String key = vary.isEmpty() ? primary : variantKey(primary, vary, request.headers());
    if (key == null) {
      return null;
    }
    MultiMap kept = MultiMap.caseInsensitiveMultiMap().addAll(headers);
    Entry entry = new Entry(key, exchange.routeId(), target(request), whole.status(), kept,
        whole.body() == null ? Buffer.buffer() : whole.body(), requestTime, System.currentTimeMillis(), tags(headers));
    put(primary, vary, entry);
    return entry;
  }

  /** Into this node's memory, and into Redis for as long as the entry can still be used there. */
  private void put(String primary, List<String> vary, Entry entry) {
    cache.put(primary, vary, entry);
    if (shared != null) {
      CacheControl cc = entry.cacheControl();
      long usable = lifetime(entry, cc) + Math.max(0, Math.max(cc.seconds("stale-while-revalidate"),
          cc.seconds("stale-if-error"))) - Freshness.age(entry, System.currentTimeMillis());
      boolean validators = entry.etag() != null || entry.lastModified() != null;
      shared.put(primary, vary, entry, (usable > 0 ? usable : validators ? 60 : 0) * 1000);
    }
  }

  private long lifetime(Entry entry, CacheControl cc) {
    long stated = Freshness.lifetime(entry.headers(), cc);
    return stated >= 0 ? stated : config.defaultTtlSeconds();
  }

  /** The stored response for this request: with its age, or a 304 when the client's validator matches. */
  private static Reply serve(Entry entry, HttpServerRequest request, long now, String result) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(entry.headers());
    headers.remove("Surrogate-Control"); // meant for this cache, not for the client's
    headers.set("Age", Long.toString(Freshness.age(entry, now)));
    headers.set("X-Cache", result);
    if (notModified(entry, request)) {
      MultiMap short304 = MultiMap.caseInsensitiveMultiMap();
      for (String name : List.of("Cache-Control", "Content-Location", "Date", "ETag", "Expires", "Vary", "Age",
          "X-Cache", "Last-Modified")) {
        if (headers.contains(name)) {
          short304.set(name, headers.getAll(name));
        }
      }
      return Reply.of(304, short304, Buffer.buffer());
    }
    return Reply.of(entry.status(), headers, request.method() == HttpMethod.HEAD ? Buffer.buffer() : entry.body());
  }

  /** RFC 9110 §13.2.2: If-None-Match (weak comparison) first; If-Modified-Since only without it. */
  private static boolean notModified(Entry entry, HttpServerRequest request) {
    String inm = request.getHeader("If-None-Match");
    if (inm != null) {
      String etag = entry.etag();
      if (etag == null) {
        return false;
      }
      String mine = weak(etag);
      for (String tag : inm.split(",")) {
        String t = tag.trim();
        if (t.equals("*") || weak(t).equals(mine)) {
          return true;
        }
      }
      return false;
    }
    String ims = request.getHeader("If-Modified-Since");
    if (ims != null && entry.lastModified() != null) {
      long since = Freshness.httpDate(ims);
      long modified = Freshness.httpDate(entry.lastModified());
      return since >= 0 && modified >= 0 && modified <= since;
    }
    return false;
  }

  private static String weak(String etag) {
    return etag.startsWith("W/") ? etag.substring(2) : etag;
  }

  private static boolean shareable(CacheControl cc) {
    return cc.has("public") || cc.has("s-maxage");
  }

  private static Reply mark(Reply reply, String result) {
    reply.headers().set("X-Cache", result);
    return reply;
  }

  /** Route, host and path of the request, with its query's parameters in a stable order. */
  private static String primaryKey(RouteExchange exchange) {
    HttpServerRequest request = exchange.request();
    String authority = dev.gantry.gateway.edge.Authority.of(request);
    String host = authority == null ? "" : authority.toLowerCase(Locale.ROOT);
    return exchange.routeId() + '\u0000' + host + '\u0000' + target(request);
  }

  /** The path and sorted query: what a purge by key or prefix names. */
  private static String target(HttpServerRequest request) {
    return target(request.path(), request.query());
  }

  private static String target(String path, String query) {
    if (query == null || query.isEmpty()) {
      return path;
    }
    String[] params = query.split("&");
    Arrays.sort(params);
    return path + '?' + String.join("&", params);
  }

  /**
   * The primary key plus the request's values of the Vary headers (whitespace collapsed,
   * Accept-Encoding canonical); null if unusable.
   */
  private static String variantKey(String primary, List<String> vary, MultiMap headers) {
    StringBuilder key = new StringBuilder(primary);
    for (String name : vary) {
      // Accept-Encoding is spelt a dozen ways for the same few codings: one spelling, one entry
      String value = name.equals("accept-encoding") ? AcceptEncoding.parse(headers.getAll(name)).canonical()
          : String.join(",", headers.getAll(name)).replaceAll("\\s+", " ").trim();
      if (value.length() > 1024) {
        return null; // not a variant worth a slot
      }
      key.append('\u0000').append(name).append('=').append(value);
    }
    return key.toString();
  }

  private static List<String> varyNames(MultiMap headers) {
    List<String> names = new ArrayList<>();
    for (String line : headers.getAll("Vary")) {
      for (String name : line.split(",")) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (!n.isEmpty() && !names.contains(n)) {
          names.add(n);
        }
      }
    }
    names.sort(null);
    return names;
  }

  private static List<String> tags(MultiMap headers) {
    List<String> tags = new ArrayList<>();
    for (String field : List.of("Cache-Tag", "Surrogate-Key")) {
      for (String line : headers.getAll(field)) {
        for (String tag : line.split("[,\\s]+")) {
          if (!tag.isEmpty() && tags.size() < 64) {
            tags.add(tag);
          }
        }
      }
    }
    return tags;
  }

  private static List<String[]> takeConditionals(MultiMap headers) {
    List<String[]> taken = new ArrayList<>();
    for (String name : CLIENT_CONDITIONALS) {
      for (String value : headers.getAll(name)) {
        taken.add(new String[] {name, value});
      }
      headers.remove(name);
    }
    return taken;
  }

  private static void restore(MultiMap headers, List<String[]> conditionals) {
    for (String name : CLIENT_CONDITIONALS) {
      headers.remove(name);
    }
    conditionals.forEach(c -> headers.add(c[0], c[1]));
  }
}
