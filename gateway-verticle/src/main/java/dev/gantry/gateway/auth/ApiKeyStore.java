package dev.gantry.gateway.auth;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * API keys in Postgres ({@code gantry_api_keys}): a key is {@code gk_<id>.<secret>}; only the id,
 * a per-key random salt and SHA-256(salt ‖ secret) are stored, so the key is shown once, when it is
 * issued. Lookups go through a per-node cache (positive and negative, {@link #CACHE_MILLIS}); a
 * revocation is published to every node, which drops the key from its cache at once.
 */
public final class ApiKeyStore implements AutoCloseable {
  static final long CACHE_MILLIS = 30_000;
  static final int MAX_CACHED = 100_000;
  private static final Pattern KEY = Pattern.compile("gk_([A-Za-z0-9_-]{22})\\.([A-Za-z0-9_-]{43})");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}");
  /** An id is 10 random bytes and the first 6 bytes of their HMAC under the cluster's id key. */
  private static final int ID_RANDOM = 10;
  private static final int ID_MAC = 6;
  private static final Pattern CONSUMER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private final Vertx vertx;
  private final Pool pg;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final MessageConsumer<String> revocations;
  private volatile Future<byte[]> schema;

  /** A stored key, without its secret. */
  public record ApiKey(String id, String consumer, List<String> scopes, byte[] salt, byte[] hash, Instant createdAt,
      Instant expiresAt, Instant revokedAt) {
    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("id", id).put("consumer", consumer).put("scopes", new JsonArray(scopes))
          .put("createdAt", createdAt.toString());
      if (expiresAt != null) {
        json.put("expiresAt", expiresAt.toString());
      }
      if (revokedAt != null) {
        json.put("revokedAt", revokedAt.toString());
      }
      return json;
    }

    boolean usable(Instant now) {
      return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
  }

  private record Cached(Future<Optional<ApiKey>> key, long loadedAt) {}

  public ApiKeyStore(Vertx vertx, Pool pg) {
    this.vertx = vertx;
    this.pg = pg;
    this.revocations = vertx.eventBus().consumer(Addresses.API_KEY_REVOKED, m -> cache.remove(m.body()));
  }

  /**
   * Creates the tables once and reads the cluster's id key: made on first use and kept in
   * Postgres, so every node (and every restart) checks ids the same way.
   */
  private Future<byte[]> schema() {
    Future<byte[]> ready = schema;
    if (ready == null || ready.failed()) {
      // Two nodes may create it at once: the transaction-scoped advisory lock makes them take turns.
      ready = pg.withTransaction(conn -> conn.query("SELECT pg_advisory_xact_lock(7302421)").execute()
          .compose(v -> conn.query("CREATE TABLE IF NOT EXISTS gantry_api_keys (id text PRIMARY KEY,"
              + " consumer text NOT NULL, scopes text[] NOT NULL, salt bytea NOT NULL, hash bytea NOT NULL,"
              + " created_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz, revoked_at timestamptz)")
              .execute())
          .compose(v -> conn.query("CREATE TABLE IF NOT EXISTS gantry_api_key_id_key (one int PRIMARY KEY"
              + " CHECK (one = 1), mac_key bytea NOT NULL)").execute())
          .compose(v -> conn.preparedQuery("INSERT INTO gantry_api_key_id_key VALUES (1, $1) ON CONFLICT DO NOTHING")
              .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(bytes(32)))))
          .compose(v -> conn.query("SELECT mac_key FROM gantry_api_key_id_key").execute())
          .map(rows -> rows.iterator().next().getBuffer(0).getBytes()));
      schema = ready;
    }
    return ready;
  }

  /** The MAC part of an id: a made-up id fails it and costs no query. */
  private static byte[] idMac(byte[] macKey, byte[] random) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(macKey, "HmacSHA256"));
      return java.util.Arrays.copyOf(mac.doFinal(random), ID_MAC);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static boolean idIsOurs(byte[] macKey, String id) {
    byte[] raw = Base64.getUrlDecoder().decode(id);
    return raw.length == ID_RANDOM + ID_MAC && MessageDigest.isEqual(
        idMac(macKey, java.util.Arrays.copyOf(raw, ID_RANDOM)), java.util.Arrays.copyOfRange(raw, ID_RANDOM, raw.length));
  }

  /** Issues a key; the result's {@code key} field is the only time the secret is shown. */
  public Future<JsonObject> issue(String consumer, List<String> scopes, Instant expiresAt) {
    if (consumer == null || !CONSUMER.matcher(consumer).matches()) {
      return Future.failedFuture(new ServiceException(Failure.UNPROCESSABLE,
          "consumer: letters, digits and . _ @ - only, at most 128, required"));
    }
    for (int i = 0; i < scopes.size(); i++) {
      if (!scopes.get(i).matches("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}")) { // RFC 6749 scope-token
        return Future.failedFuture(new ServiceException(Failure.UNPROCESSABLE, "scopes[" + i + "]: not a scope token"));
      }
    }
    byte[] secretBytes = bytes(32);
    String secret = B64.encodeToString(secretBytes);
    byte[] salt = bytes(16);
    byte[] hash = hash(salt, secret);
    byte[] random = bytes(ID_RANDOM);
    return schema().compose(macKey -> {
      byte[] raw = java.util.Arrays.copyOf(random, ID_RANDOM + ID_MAC);
      System.arraycopy(idMac(macKey, random), 0, raw, ID_RANDOM, ID_MAC);
      String id = B64.encodeToString(raw);
      return pg.preparedQuery("INSERT INTO gantry_api_keys (id, consumer, scopes, salt, hash, expires_at)"
              + " VALUES ($1, $2, $3, $4, $5, $6) RETURNING created_at")
          .execute(Tuple.of(id, consumer, scopes.toArray(String[]::new), io.vertx.core.buffer.Buffer.buffer(salt),
              io.vertx.core.buffer.Buffer.buffer(hash), expiresAt == null ? null : expiresAt.atOffset(ZoneOffset.UTC)))
          .map(rows -> new ApiKey(id, consumer, scopes, salt, hash, rows.iterator().next().getOffsetDateTime(0)
              .toInstant(), expiresAt, null).toJson().put("key", "gk_" + id + "." + secret));
    });
  }

  public Future<JsonArray> list() {
    return schema().compose(v -> pg.query("SELECT * FROM gantry_api_keys ORDER BY created_at").execute())
        .map(rows -> {
          JsonArray all = new JsonArray();
          rows.forEach(row -> all.add(read(row).toJson()));
          return all;
        });
  }

  /** Revokes a key on every node; false when no such key exists. */
  public Future<Boolean> revoke(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      return Future.succeededFuture(false); // no key has it; and a NUL would be Postgres's error, a 500
    }
    return schema().compose(v -> pg.preparedQuery("UPDATE gantry_api_keys SET revoked_at = coalesce(revoked_at, now())"
            + " WHERE id = $1").execute(Tuple.of(id)))
        .map(rows -> rows.rowCount() > 0)
        .onSuccess(found -> {
          if (found) {
            cache.remove(id);
            vertx.eventBus().publish(Addresses.API_KEY_REVOKED, id);
          }
        });
  }

  /**
   * The consumer a presented key belongs to, or empty when it is malformed, unknown, revoked,
   * expired or its secret does not match.
   */
  public Future<Optional<ApiKey>> check(String presented) {
    var m = KEY.matcher(presented);
    if (!m.matches()) {
      return Future.succeededFuture(Optional.empty());
    }
    String id = m.group(1);
    String secret = m.group(2);
    return schema().compose(macKey -> idIsOurs(macKey, id) ? lookup(id) : Future.succeededFuture(Optional.<ApiKey>empty()))
        .map(found -> found.filter(k -> k.usable(Instant.now())
        && MessageDigest.isEqual(k.hash(), hash(k.salt(), secret))));
  }

  private Future<Optional<ApiKey>> lookup(String id) {
    long now = System.currentTimeMillis();
    Cached held = cache.get(id);
    if (held != null && now - held.loadedAt() < CACHE_MILLIS && !held.key().failed()) {
      return held.key();
    }
    if (cache.size() >= MAX_CACHED) {
      cache.clear(); // a flood of made-up ids must not grow the heap; real keys load again
    }
    Future<Optional<ApiKey>> loading = schema().compose(v -> pg.preparedQuery("SELECT * FROM gantry_api_keys WHERE id = $1")
        .execute(Tuple.of(id))).map(rows -> rows.size() == 0 ? Optional.<ApiKey>empty()
            : Optional.of(read(rows.iterator().next())));
    cache.put(id, new Cached(loading, now));
    return loading;
  }

  private static ApiKey read(Row row) {
    String[] scopes = row.getArrayOfStrings("scopes");
    OffsetDateTime expires = row.getOffsetDateTime("expires_at");
    OffsetDateTime revoked = row.getOffsetDateTime("revoked_at");
    return new ApiKey(row.getString("id"), row.getString("consumer"), scopes == null ? List.of() : List.of(scopes),
        row.getBuffer("salt").getBytes(), row.getBuffer("hash").getBytes(), row.getOffsetDateTime("created_at").toInstant(),
        expires == null ? null : expires.toInstant(), revoked == null ? null : revoked.toInstant());
  }

  private byte[] bytes(int n) {
    byte[] out = new byte[n];
    random.nextBytes(out);
    return out;
  }

  private static byte[] hash(byte[] salt, String secret) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      return sha.digest(secret.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public void close() {
    revocations.unregister();
  }
}
