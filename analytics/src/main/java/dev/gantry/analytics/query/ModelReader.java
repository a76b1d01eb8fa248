package dev.gantry.analytics.query;

import dev.gantry.analytics.model.Model;
import dev.gantry.analytics.model.ModelRunner;
import dev.gantry.analytics.model.ModelStatus;
import dev.gantry.analytics.warehouse.Warehouse;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the warehouse for the query API, on a connection of its own (blocking: run on a worker):
 * the list of models with their columns and freshness, and one model's rows for a
 * {@link ModelQuery}.
 */
public final class ModelReader {
  private final Warehouse warehouse;
  private final ModelRunner runner;

  public ModelReader(Warehouse warehouse, ModelRunner runner) {
    this.warehouse = warehouse;
    this.runner = runner;
  }

  /** {@code {"models": [...], "ingest": {...}}}. */
  public JsonObject list() {
    return warehouse.read(conn -> {
      Map<String, ModelStatus> statuses = new LinkedHashMap<>();
      runner.statuses().forEach(s -> statuses.put(s.name(), s));
      JsonArray models = new JsonArray();
      for (Model m : runner.models().ordered()) {
        ModelStatus s = statuses.get(m.name());
        JsonArray columns = new JsonArray();
        columns(conn, m.name()).forEach((name, type) -> columns.add(new JsonObject().put("name", name).put("type", type)));
        JsonObject json = s == null ? new JsonObject().put("name", m.name()) : s.toJson();
        models.add(json.put("materialized", m.materialized().name().toLowerCase(java.util.Locale.ROOT))
            .put("uniqueKey", new JsonArray(m.uniqueKey())).put("refs", new JsonArray(m.refs().stream().sorted().toList()))
            .put("columns", columns));
      }
      JsonObject ingest = new JsonObject();
      try (Statement st = conn.createStatement(); ResultSet r = st.executeQuery(
          "SELECT count(*), coalesce(max(seq), 0), max(occurred_at), max(ingested_at) FROM raw_order_events")) {
        r.next();
        ingest.put("events", r.getLong(1)).put("lastSeq", r.getLong(2))
            .put("lastOccurredAt", instant(r.getTimestamp(3))).put("lastIngestedAt", instant(r.getTimestamp(4)));
      }
      return new JsonObject().put("models", models).put("ingest", ingest);
    });
  }

  /** The model's columns, name to DuckDB type, in table order; a model never built yet is a 404... */
  public Map<String, String> columns(String model) {
    if (runner.models().find(model).isEmpty()) {
      throw new ServiceException(Failure.NOT_FOUND, "model: no model named " + ModelQuery.quoteForMessage(model)
          + " (models: " + String.join(", ", runner.models().ordered().stream().map(Model::name).toList()) + ")");
    }
    Map<String, String> columns = warehouse.read(conn -> columns(conn, model));
    if (columns.isEmpty()) {
      throw new ServiceException(Failure.UNAVAILABLE, "model " + model + ": not built yet");
    }
    return columns;
  }

  /** Runs the query: {@code {"model", "columns", "rows", "limit"}}. */
  public JsonObject rows(ModelQuery query) {
    return warehouse.read(conn -> {
      try (PreparedStatement p = conn.prepareStatement(query.sql())) {
        for (int i = 0; i < query.parameters().size(); i++) {
          p.setObject(i + 1, query.parameters().get(i));
        }
        JsonArray rows = new JsonArray();
        JsonArray names = new JsonArray();
        try (ResultSet r = p.executeQuery()) {
          ResultSetMetaData meta = r.getMetaData();
          for (int c = 1; c <= meta.getColumnCount(); c++) {
            names.add(meta.getColumnName(c));
          }
          while (r.next()) {
            JsonObject row = new JsonObject();
            for (int c = 1; c <= meta.getColumnCount(); c++) {
              row.put(meta.getColumnName(c), json(r.getObject(c)));
            }
            rows.add(row);
          }
        }
        return new JsonObject().put("model", query.model()).put("columns", names).put("rows", rows)
            .put("limit", query.limit());
      }
    });
  }

  private static Map<String, String> columns(Connection conn, String table) throws SQLException {
    Map<String, String> columns = new LinkedHashMap<>();
    try (PreparedStatement p = conn.prepareStatement("SELECT column_name, data_type FROM information_schema.columns "
        + "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position")) {
      p.setString(1, table);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          columns.put(r.getString(1), r.getString(2));
        }
      }
    }
    return columns;
  }

  private static Object json(Object value) {
    if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long
        || value instanceof Integer || value instanceof Double) {
      return value;
    }
    if (value instanceof BigInteger b) {
      return b.bitLength() < 64 ? (Object) b.longValue() : b.toString();
    }
    if (value instanceof BigDecimal d) {
      return d.doubleValue();
    }
    if (value instanceof Number n) {
      return n.longValue();
    }
    if (value instanceof Timestamp t) {
      return t.toLocalDateTime().toString();
    }
    return value.toString();
  }

  private static String instant(Timestamp t) {
    return t == null ? null : t.toLocalDateTime().toString();
  }
}
