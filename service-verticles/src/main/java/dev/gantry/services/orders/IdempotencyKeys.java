package dev.gantry.services.orders;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.orders.PlaceOrder;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The first answer to each idempotency key, per principal, in Postgres. The key's row is written
 * in the same transaction as the order it answers, so a key answers at most one order; a second
 * placement racing under the same key blocks on the first's row and then finds it taken.
 */
final class IdempotencyKeys {
  /** A stored first answer. */
  record Answer(String requestHash, int status, String body) {}

  /** The key is live and held by another placement (one that committed first). */
  static final class Taken extends RuntimeException {
    Taken() {
      super("idempotency key taken", null, false, false);
    }
  }

  private final Duration retention;

  IdempotencyKeys(Duration retention) {
    this.retention = retention;
  }

  /** The live answer stored under the key, or null. */
  Future<Answer> find(SqlClient client, String principal, String key) {
    return client.preparedQuery("SELECT request_hash, response_status, response_body FROM idempotency_keys "
            + "WHERE principal = $1 AND key = $2 AND expires_at > now()")
        .execute(Tuple.of(principal, key))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new Answer(row.getString("request_hash"), row.getInteger("response_status"),
              row.getString("response_body"));
        });
  }

  /** Records the answer, or fails with {@link Taken}; an expired row under the key is replaced. */
  Future<Void> record(SqlClient client, String principal, String key, String requestHash, String orderId,
      int status, String body) {
    return client.preparedQuery("INSERT INTO idempotency_keys (principal, key, request_hash, order_id, "
            + "response_status, response_body, expires_at) VALUES ($1, $2, $3, $4::uuid, $5, $6, "
            + "now() + $7 * interval '1 second') ON CONFLICT (principal, key) DO UPDATE SET "
            + "request_hash = EXCLUDED.request_hash, order_id = EXCLUDED.order_id, "
            + "response_status = EXCLUDED.response_status, response_body = EXCLUDED.response_body, "
            + "created_at = now(), expires_at = EXCLUDED.expires_at WHERE idempotency_keys.expires_at <= now()")
        .execute(Tuple.of(principal, key, requestHash, orderId, status, body, retention.toSeconds()))
        .compose(rows -> rows.rowCount() == 1 ? Future.succeededFuture() : Future.failedFuture(new Taken()));
  }

  /** Forgets expired keys; the future holds how many. */
  Future<Integer> purge(SqlClient client) {
    return client.query("DELETE FROM idempotency_keys WHERE expires_at <= now()").execute()
        .map(rows -> rows.rowCount());
  }

  /** The stored answer if it is for the same items, else a 422 naming the key. */
  static Answer replay(Answer answer, String requestHash, String keyName) {
    if (!answer.requestHash().equals(requestHash)) {
      throw new ServiceException(Failure.UNPROCESSABLE, keyName + ": already used for a different order "
          + "(a retry must send the same items; use a new key for a new order)");
    }
    return answer;
  }

  static String hash(PlaceOrder command) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(command.itemsJson().encode().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
