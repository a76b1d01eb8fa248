package dev.gantry.analytics.model;

import dev.gantry.analytics.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds the models in dependency order, each in a transaction of its own: a model whose SQL fails
 * is rolled back — its last good table stays what queries read — and its error is recorded; the
 * models that ref it are not rebuilt this round (they say why). An incremental model is rebuilt
 * from what changed since its last build (delete and insert by its unique key); a table is
 * replaced whole; a view is redefined. Blocking: run it on a worker.
 */
public final class ModelRunner {
  private static final String TEMP = "_gantry_increment";
  private final Warehouse warehouse;
  private final ModelSet models;

  public ModelRunner(Warehouse warehouse, ModelSet models) {
    this.warehouse = warehouse;
    this.models = models;
    warehouse.write(conn -> {
      try (Statement s = conn.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS _gantry_models (name VARCHAR PRIMARY KEY, materialized VARCHAR, "
            + "built_at TIMESTAMP, mode VARCHAR, last_seq BIGINT, row_count BIGINT, duration_ms BIGINT, "
            + "last_error VARCHAR, last_error_at TIMESTAMP)");
      }
      return null;
    });
  }

  public ModelSet models() {
    return models;
  }

  /** Builds every model ({@code full}: from scratch, incremental ones too); the statuses after it. */
  public List<ModelStatus> run(boolean full) {
    return warehouse.write(conn -> {
      long upTo;
      try (Statement s = conn.createStatement(); ResultSet r = s.executeQuery(
          "SELECT coalesce(max(seq), 0) FROM raw_order_events")) {
        r.next();
        upTo = r.getLong(1);
      }
      Set<String> failed = new HashSet<>();
      for (Model m : models.ordered()) {
        String broken = m.refs().stream().filter(failed::contains).findFirst().orElse(null);
        if (broken != null) {
          failed.add(m.name());
          recordError(conn, m, "not rebuilt: ref('" + broken + "') failed");
          continue;
        }
        try {
          build(conn, m, full, upTo);
        } catch (SQLException e) {
          failed.add(m.name());
          recordError(conn, m, e.getMessage());
        }
      }
      return statuses(conn);
    });
  }

  private void build(Connection conn, Model m, boolean full, long upTo) throws SQLException {
    ModelStatus before = statuses(conn).stream().filter(s -> s.name().equals(m.name())).findFirst().orElse(null);
    boolean exists = exists(conn, m.name());
    boolean incremental = !full && m.materialized() == Model.Materialized.INCREMENTAL && exists
        && before != null && before.builtAt() != null && "incremental".equals(before.materialized());
    long since = incremental ? before.lastSeq() : 0;
    String sql = m.render(incremental, since);
    String name = Warehouse.quote(m.name());
    long started = System.nanoTime();
    conn.setAutoCommit(false);
    try (Statement s = conn.createStatement()) {
      switch (m.materialized()) {
        case VIEW -> {
          if (exists && !isView(conn, m.name())) {
            s.execute("DROP TABLE " + name);
          }
          s.execute("CREATE OR REPLACE VIEW " + name + " AS " + sql);
          s.executeQuery("SELECT * FROM " + name + " LIMIT 0").close();
        }
        case TABLE -> replace(s, conn, m, name, sql, exists);
        case INCREMENTAL -> {
          if (!incremental) {
            replace(s, conn, m, name, sql, exists);
          } else if (since < upTo) {
            s.execute("CREATE OR REPLACE TEMP TABLE " + TEMP + " AS " + sql);
            String match = m.uniqueKey().stream().map(k -> name + "." + Warehouse.quote(k) + " IS NOT DISTINCT FROM "
                + TEMP + "." + Warehouse.quote(k)).collect(Collectors.joining(" AND "));
            s.execute("DELETE FROM " + name + " USING " + TEMP + " WHERE " + match);
            s.execute("INSERT INTO " + name + " BY NAME SELECT * FROM " + TEMP);
            s.execute("DROP TABLE " + TEMP);
          }
        }
        default -> throw new IllegalStateException();
      }
      Long rows = null;
      if (m.materialized() != Model.Materialized.VIEW) {
        try (ResultSet r = s.executeQuery("SELECT count(*) FROM " + name)) {
          r.next();
          rows = r.getLong(1);
        }
      }
      long millis = (System.nanoTime() - started) / 1_000_000;
      upsert(conn, m, incremental ? "incremental" : "full", upTo, rows, millis);
      conn.commit();
    } catch (SQLException | RuntimeException e) {
      conn.rollback();
      throw e instanceof SQLException sql2 ? sql2 : new SQLException(e.getMessage(), e);
    } finally {
      conn.setAutoCommit(true);
    }
  }

  private static void replace(Statement s, Connection conn, Model m, String name, String sql, boolean exists)
      throws SQLException {
    if (exists && isView(conn, m.name())) {
      s.execute("DROP VIEW " + name);
    }
    s.execute("CREATE OR REPLACE TABLE " + name + " AS " + sql);
  }

  private static boolean exists(Connection conn, String name) throws SQLException {
    try (PreparedStatement p = conn.prepareStatement(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?")) {
      p.setString(1, name);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getLong(1) > 0;
      }
    }
  }

  private static boolean isView(Connection conn, String name) throws SQLException {
    try (PreparedStatement p = conn.prepareStatement("SELECT table_type FROM information_schema.tables "
        + "WHERE table_schema = 'main' AND table_name = ?")) {
      p.setString(1, name);
      try (ResultSet r = p.executeQuery()) {
        return r.next() && r.getString(1).equals("VIEW");
      }
    }
  }

  private static void upsert(Connection conn, Model m, String mode, long upTo, Long rows, long millis) throws SQLException {
    try (PreparedStatement p = conn.prepareStatement("INSERT OR REPLACE INTO _gantry_models VALUES "
        + "(?, ?, ?, ?, ?, ?, ?, NULL, NULL)")) {
      p.setString(1, m.name());
      p.setString(2, m.materialized().name().toLowerCase(java.util.Locale.ROOT));
      p.setTimestamp(3, Timestamp.from(Instant.now()));
      p.setString(4, mode);
      p.setLong(5, upTo);
      if (rows == null) {
        p.setNull(6, java.sql.Types.BIGINT);
      } else {
        p.setLong(6, rows);
      }
      p.setLong(7, millis);
      p.executeUpdate();
    }
  }

  private static void recordError(Connection conn, Model m, String error) throws SQLException {
    String message = error == null ? "failed" : error.length() > 2000 ? error.substring(0, 2000) : error;
    try (PreparedStatement p = conn.prepareStatement("INSERT INTO _gantry_models (name, materialized, last_error, "
        + "last_error_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET last_error = EXCLUDED.last_error, "
        + "last_error_at = EXCLUDED.last_error_at")) {
      p.setString(1, m.name());
      p.setString(2, m.materialized().name().toLowerCase(java.util.Locale.ROOT));
      p.setString(3, message);
      p.setTimestamp(4, Timestamp.from(Instant.now()));
      p.executeUpdate();
    }
  }

  /** Every model's status (those never attempted are absent). */
  public List<ModelStatus> statuses() {
    return warehouse.read(ModelRunner::statuses);
  }

  private static List<ModelStatus> statuses(Connection conn) throws SQLException {
    Map<String, ModelStatus> out = new LinkedHashMap<>();
    try (Statement s = conn.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM _gantry_models ORDER BY name")) {
      while (r.next()) {
        Timestamp built = r.getTimestamp("built_at");
        Timestamp errorAt = r.getTimestamp("last_error_at");
        long rows = r.getLong("row_count");
        boolean noRows = r.wasNull();
        out.put(r.getString("name"), new ModelStatus(r.getString("name"), r.getString("materialized"),
            built == null ? null : built.toInstant(), r.getString("mode"), r.getLong("last_seq"),
            noRows ? null : rows, r.getLong("duration_ms"), r.getString("last_error"),
            errorAt == null ? null : errorAt.toInstant()));
      }
    }
    return List.copyOf(out.values());
  }
}
