package dev.gantry.gateway.auth;

import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.text.ParseException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One issuer's JSON Web Key Set, fetched from its URL and shared by the cluster. A node holds the
 * set it last adopted; when it runs out (the response's {@code Cache-Control: max-age}, else the
 * issuer's refresh time) or a token names a key id it lacks, the node takes the cluster-wide lock
 * of this URL and first looks at the set the cluster holds: if another node fetched recently
 * enough, that set is adopted without a fetch. So the whole cluster fetches a set once per
 * expiry, and an unknown {@code kid} triggers at most one fetch per refetch interval (a minute)
 * — however many nodes and event loops see it. On each node concurrent needs share one flight.
 * A fetch that fails keeps the cached keys.
 */
public final class JwksCache {
  private static final Logger LOG = LoggerFactory.getLogger(JwksCache.class);
  static final String MAP = "gantry.jwks";
  static final String LOCK_PREFIX = "gantry.jwks.lock.";
  static final int MAX_BYTES = 1 << 20;
  static final long RETRY_AFTER_FAILURE_MILLIS = 30_000;
  static final long FETCH_DEADLINE_MILLIS = 10_000;
  private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*\"?(\\d{1,10})");

  private final Vertx vertx;
  private final HttpClient client;
  private final String url;
  private final long refreshMillis;
  private final long refetchMillis;
  private volatile KeySet current;
  private Future<KeySet> flight; // guarded by this
  private final AtomicLong lastUnknownKidCheck = new AtomicLong(Long.MIN_VALUE / 2);
  private volatile long lastFailureAt = Long.MIN_VALUE / 2;
  private volatile String lastError;
  private final AtomicLong fetches = new AtomicLong();

  /** The keys as adopted, with when the cluster fetched them and until when they are fresh. */
  record KeySet(JWKSet keys, long fetchedAt, long expiresAt) {
    JsonObject toShared() {
      return new JsonObject().put("jwks", keys.toString(true)).put("fetchedAt", fetchedAt).put("expiresAt", expiresAt);
    }

    static KeySet fromShared(JsonObject json) throws ParseException {
      return new KeySet(JWKSet.parse(json.getString("jwks")), json.getLong("fetchedAt"), json.getLong("expiresAt"));
    }

    boolean has(String kid) {
      return kid == null ? !keys.isEmpty() : keys.getKeyByKeyId(kid) != null;
    }
  }

  /**
   * @param refreshSeconds life of a set whose response gave no max-age
   * @param refetchSeconds least time between two fetches caused by unknown key ids, cluster-wide
   */
  JwksCache(Vertx vertx, HttpClient client, String url, int refreshSeconds, int refetchSeconds) {
    this.vertx = vertx;
    this.client = client;
    this.url = url;
    this.refreshMillis = refreshSeconds * 1000L;
    this.refetchMillis = refetchSeconds * 1000L;
  }

  /** The set to verify with now: the cached one while fresh, else a refreshed one (or the stale one if that fails). */
  Future<KeySet> keys() {
    KeySet held = current;
    long now = System.currentTimeMillis();
    if (held != null && held.expiresAt() > now) {
      return Future.succeededFuture(held);
    }
    if (held != null && now - lastFailureAt < RETRY_AFTER_FAILURE_MILLIS) {
      return Future.succeededFuture(held); // the endpoint was down a moment ago: keep what we have
    }
    return refresh(shared -> shared.expiresAt() > System.currentTimeMillis())
        .recover(e -> held != null ? Future.succeededFuture(held) : Future.failedFuture(e));
  }

  /**
   * The set after looking for {@code kid}, which the cached set lacks: a new fetch only if the
   * cluster fetched none within the refetch interval; else the set the cluster has.
   */
  Future<KeySet> withKid(String kid) {
    long now = System.currentTimeMillis();
    long last = lastUnknownKidCheck.get();
    KeySet held = current;
    if (now - last < refetchMillis || !lastUnknownKidCheck.compareAndSet(last, now)) {
      return held != null ? Future.succeededFuture(held) : keys(); // asked lately on this node: no lock traffic
    }
    return refresh(shared -> shared.has(kid) || System.currentTimeMillis() - shared.fetchedAt() < refetchMillis)
        .recover(e -> held != null ? Future.succeededFuture(held) : Future.failedFuture(e));
  }

  private interface Good {
    boolean enough(KeySet shared);
  }

  /** One flight per node: under the cluster lock, adopt the cluster's set if good enough, else fetch. */
  private synchronized Future<KeySet> refresh(Good good) {
    if (flight != null) {
      return flight;
    }
    Future<KeySet> started = vertx.sharedData().getLockWithTimeout(LOCK_PREFIX + url, 15_000).compose(lock ->
        vertx.sharedData().<String, JsonObject>getAsyncMap(MAP).compose(map -> map.get(url).compose(shared -> {
          KeySet clusters = parse(shared);
          if (clusters != null && good.enough(clusters)) {
            current = clusters;
            return Future.succeededFuture(clusters);
          }
          return fetch().compose(fetched -> map.put(url, fetched.toShared()).map(fetched));
        })).andThen(ar -> lock.release()));
    // The flight is published before anything can complete it: a lock and map that answer at
    // once would otherwise clear it first and leave a finished flight in place for good.
    io.vertx.core.Promise<KeySet> landed = io.vertx.core.Promise.promise();
    flight = landed.future();
    started.onComplete(ar -> {
      synchronized (this) {
        flight = null;
      }
      if (ar.succeeded()) {
        current = ar.result();
        lastError = null;
      } else {
        lastFailureAt = System.currentTimeMillis();
        lastError = ar.cause().getMessage();
        LOG.warn("JWKS {}: cannot refresh the key set ({}); {}", url, ar.cause().getMessage(),
            current == null ? "no key to verify with yet" : "keeping the cached keys");
      }
      landed.handle(ar);
    });
    return landed.future();
  }

  private KeySet parse(JsonObject shared) {
    if (shared == null) {
      return null;
    }
    try {
      return KeySet.fromShared(shared);
    } catch (ParseException | RuntimeException e) {
      LOG.warn("JWKS {}: the cluster's copy is unreadable ({}); fetching anew", url, e.getMessage());
      return null;
    }
  }

  private Future<KeySet> fetch() {
    fetches.incrementAndGet();
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
        .putHeader("Accept", "application/json").setFollowRedirects(false);
    return BoundedCall.send(vertx, client, request, null, MAX_BYTES, FETCH_DEADLINE_MILLIS).map(answer -> {
      if (answer.status() != 200) {
        throw new IllegalStateException("the endpoint answered " + answer.status());
      }
      try {
        JWKSet keys = JWKSet.parse(answer.body().toString()).toPublicJWKSet();
        long now = System.currentTimeMillis();
        LOG.info("JWKS {}: fetched {} key{}", url, keys.size(), keys.size() == 1 ? "" : "s");
        return new KeySet(keys, now, now + lifeMillis(answer.headers().get("Cache-Control")));
      } catch (ParseException e) {
        throw new IllegalStateException("not a JSON Web Key Set: " + e.getMessage());
      }
    });
  }

  /** The response's max-age, bounded to [30 s, 24 h]; the configured refresh time without one. */
  long lifeMillis(String cacheControl) {
    if (cacheControl == null) {
      return refreshMillis;
    }
    String lower = cacheControl.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains("no-store") || lower.contains("no-cache")) {
      return 30_000;
    }
    Matcher m = MAX_AGE.matcher(lower);
    if (!m.find()) {
      return refreshMillis;
    }
    return Math.max(30_000, Math.min(86_400_000, Long.parseLong(m.group(1)) * 1000));
  }

  /** Fetches this node made (a test counts the cluster's at the endpoint). */
  long fetches() {
    return fetches.get();
  }

  /** For /admin/status: the key ids, the last fetch, the next refresh and the last error. */
  JsonObject status() {
    KeySet held = current;
    JsonObject json = new JsonObject().put("jwksUrl", url);
    if (held != null) {
      JsonArray kids = new JsonArray();
      held.keys().getKeys().forEach(k -> kids.add(k.getKeyID()));
      json.put("keys", kids).put("lastFetch", Instant.ofEpochMilli(held.fetchedAt()).toString())
          .put("nextRefresh", Instant.ofEpochMilli(held.expiresAt()).toString());
    } else {
      json.put("keys", new JsonArray());
    }
    if (lastError != null) {
      json.put("lastError", lastError);
    }
    return json;
  }
}
