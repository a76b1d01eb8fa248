package dev.gantry.analytics.warehouse;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Writes tables as Parquet under a directory: a table with a {@code day} column as
 * {@code <dir>/<table>/day=YYYY-MM-DD/*.parquet} (Hive partitioning, what Spark, Trino or a
 * BigQuery load job read), others as {@code <dir>/<table>.parquet}. Each export replaces the
 * previous one of the same table; a table not built yet is skipped (and said to be). Blocking.
 */
public final class ParquetExport {
  private ParquetExport() {}

  /** Exports {@code tables}; the future's JSON names each file or directory written and its rows. */
  public static JsonObject export(Warehouse warehouse, List<String> tables, Path dir) {
    Path root = dir.toAbsolutePath();
    JsonArray written = new JsonArray();
    warehouse.read(conn -> {
      for (String table : tables) {
        try (PreparedStatement p = conn.prepareStatement("SELECT count(*) FROM information_schema.tables "
            + "WHERE table_schema = 'main' AND table_name = ?")) {
          p.setString(1, table);
          try (ResultSet r = p.executeQuery()) {
            r.next();
            if (r.getLong(1) == 0) {
              written.add(new JsonObject().put("model", table).put("skipped", "not built yet"));
              continue;
            }
          }
        }
        boolean byDay;
        try (PreparedStatement p = conn.prepareStatement("SELECT count(*) FROM information_schema.columns "
            + "WHERE table_schema = 'main' AND table_name = ? AND column_name = 'day'")) {
          p.setString(1, table);
          try (ResultSet r = p.executeQuery()) {
            r.next();
            byDay = r.getLong(1) > 0;
          }
        }
        long rows;
        try (Statement s = conn.createStatement()) {
          try (ResultSet r = s.executeQuery("SELECT count(*) FROM " + Warehouse.quote(table))) {
            r.next();
            rows = r.getLong(1);
          }
          Path target = byDay ? root.resolve(table) : root.resolve(table + ".parquet");
          java.nio.file.Files.createDirectories(root);
          s.execute("COPY (SELECT * FROM " + Warehouse.quote(table) + ") TO " + Warehouse.literal(target.toString())
              + (byDay ? " (FORMAT PARQUET, PARTITION_BY (day), OVERWRITE)" : " (FORMAT PARQUET)"));
          written.add(new JsonObject().put("model", table).put("path", target.toString()).put("rows", rows)
              .put("partitionedBy", byDay ? "day" : null));
        } catch (java.io.IOException e) {
          throw new SQLException("cannot create " + root + ": " + e.getMessage(), e);
        }
      }
      return null;
    });
    return new JsonObject().put("directory", root.toString()).put("exports", written);
  }
}
