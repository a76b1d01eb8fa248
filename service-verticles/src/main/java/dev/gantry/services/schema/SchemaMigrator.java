package dev.gantry.services.schema;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code db/migration/V<n>__<name>.sql} files in version order, each in its own
 * transaction, recording version and checksum in {@code gantry_schema_history}. A file changed
 * after it was applied stops start-up: silently diverging schemas are worse than a failed start.
 */
public final class SchemaMigrator {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
  static final List<String> FILES = List.of("V1__catalog.sql", "V2__orders.sql", "V3__seed_products.sql",
      "V4__order_lifecycle.sql");
  private static final long LOCK_KEY = 0x6A4E7279L;

  record Migration(int version, String description, String sql, String checksum) {}

  private SchemaMigrator() {}

  /** Migrates; the future holds how many migrations were applied by this call. */
  public static Future<Integer> migrate(Vertx vertx, Pool pool) {
    // Reading class-path resources is blocking I/O: keep it off the event loop.
    return vertx.executeBlocking(SchemaMigrator::load)
        .compose(migrations -> pool.getConnection().compose(conn -> apply(conn, migrations)
            .eventually(() -> conn.close())));
  }

  private static Future<Integer> apply(SqlConnection conn, List<Migration> migrations) {
    // IF NOT EXISTS would otherwise make Postgres send a notice on every start.
    return conn.query("SET client_min_messages TO warning").execute()
        .compose(v -> conn.query("SELECT pg_advisory_lock(" + LOCK_KEY + ")").execute())
        .compose(v -> conn.query("CREATE TABLE IF NOT EXISTS gantry_schema_history ("
            + "version INT PRIMARY KEY, description TEXT NOT NULL, checksum TEXT NOT NULL, "
            + "installed_at TIMESTAMPTZ NOT NULL DEFAULT now())").execute())
        .compose(v -> conn.query("SELECT version, checksum FROM gantry_schema_history").execute())
        .compose(rows -> {
          Map<Integer, String> applied = new HashMap<>();
          for (Row row : rows) {
            applied.put(row.getInteger("version"), row.getString("checksum"));
          }
          Future<Integer> chain = Future.succeededFuture(0);
          for (Migration m : migrations) {
            String checksum = applied.get(m.version());
            if (checksum != null) {
              if (!checksum.equals(m.checksum())) {
                return Future.failedFuture(new IllegalStateException("schema migration V"
                    + m.version() + " (" + m.description() + ") changed after it was applied"));
              }
              continue;
            }
            chain = chain.compose(count -> applyOne(conn, m).map(count + 1));
          }
          return chain;
        })
        .eventually(() -> conn.query("SELECT pg_advisory_unlock(" + LOCK_KEY + ")").execute());
  }

  private static Future<Void> applyOne(SqlConnection conn, Migration m) {
    return conn.begin().compose(tx -> conn.query(m.sql()).execute()
        .compose(v -> conn.preparedQuery("INSERT INTO gantry_schema_history (version, description, "
            + "checksum) VALUES ($1, $2, $3)").execute(Tuple.of(m.version(), m.description(), m.checksum())))
        .compose(v -> tx.commit())
        .onSuccess(v -> LOG.info("applied schema migration V{} {}", m.version(), m.description()))
        .onFailure(e -> tx.rollback()));
  }

  static List<Migration> load() {
    List<Migration> list = new ArrayList<>();
    for (String file : FILES) {
      try (InputStream in = SchemaMigrator.class.getResourceAsStream("/db/migration/" + file)) {
        if (in == null) {
          throw new IllegalStateException("migration " + file + " is missing from the class path");
        }
        String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        int sep = file.indexOf("__");
        list.add(new Migration(Integer.parseInt(file.substring(1, sep)),
            file.substring(sep + 2, file.length() - 4).replace('_', ' '), sql, sha256(sql)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return list;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
