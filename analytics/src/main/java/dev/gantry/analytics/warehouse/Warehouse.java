package dev.gantry.analytics.warehouse;

import dev.gantry.analytics.ingest.OrderEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The embedded DuckDB file and its raw tables. Every method blocks (JDBC): callers on Vert.x run
 * them on a worker. Writes go through one connection, serialised by this object's lock; each
 * read gets a connection of its own ({@link #reader()}), so queries do not wait for writes.
 *
 * <p>Raw tables: {@code raw_order_events} (one row per event id: exactly once, whatever Kafka
 * redelivers; {@code seq} numbers them in arrival order) and {@code raw_order_lines} (the lines of each placed order).
 */
public final class Warehouse implements AutoCloseable {
  public static final String FILE = "warehouse.duckdb";
  private static final String EVENTS_COLUMNS = "event_id VARCHAR, type VARCHAR, order_id VARCHAR, status VARCHAR, "
      + "currency VARCHAR, total_cents BIGINT, occurred_at TIMESTAMP, kafka_partition INTEGER, "
      + "kafka_offset BIGINT, ingested_at TIMESTAMP";
  private static final String LINES_COLUMNS = "event_id VARCHAR, order_id VARCHAR, line_no INTEGER, "
      + "product_id BIGINT, quantity INTEGER, unit_price_cents BIGINT";

  /** What one ingested batch did: events new to the warehouse, and redeliveries dropped. */
  public record Ingested(int added, int duplicates) {}

  private final Path file;
  private final DuckDBConnection writer;
  private final String id;

  private Warehouse(Path file, DuckDBConnection writer, String id) {
    this.file = file;
    this.writer = writer;
    this.id = id;
  }

  /** Opens (creating on first use) the warehouse in {@code dir}. */
  public static Warehouse open(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path file = dir.resolve(FILE).toAbsolutePath();
    try {
      DuckDBConnection conn = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file);
      try (Statement s = conn.createStatement()) {
        // Each micro-batch commits (one WAL sync); a checkpoint at DuckDB's default 16 MB of WAL
        // came every few batches and cost more than the batches themselves (WarehouseBench).
        s.execute("SET checkpoint_threshold = '256MB'");
        s.execute("CREATE TABLE IF NOT EXISTS _gantry_warehouse (id VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL)");
        // No primary keys: an index over a million random event ids made each insert slow; the one
        // writer drops repeats with an anti-join instead (see ingest).
        s.execute("CREATE TABLE IF NOT EXISTS raw_order_events (" + EVENTS_COLUMNS + ", seq BIGINT NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS raw_order_lines (" + LINES_COLUMNS + ")");
        s.execute("CREATE TABLE IF NOT EXISTS _stage_events (" + EVENTS_COLUMNS + ")");
        s.execute("CREATE TABLE IF NOT EXISTS _stage_lines (" + LINES_COLUMNS + ")");
        String id;
        try (ResultSet r = s.executeQuery("SELECT id FROM _gantry_warehouse")) {
          id = r.next() ? r.getString(1) : null;
        }
        if (id == null) {
          id = UUID.randomUUID().toString();
          s.execute("INSERT INTO _gantry_warehouse VALUES ('" + id + "', now()::TIMESTAMP)");
        }
        return new Warehouse(file, conn, id);
      } catch (SQLException | RuntimeException e) {
        conn.close();
        throw e;
      }
    } catch (SQLException e) {
      throw new WarehouseException("cannot open the warehouse " + file + ": " + e.getMessage(), e);
    }
  }

  /** This warehouse's own id, made when its file was: it names its Kafka consumer group. */
  public String id() {
    return id;
  }

  public Path file() {
    return file;
  }

  /**
   * Adds a batch of events in one transaction, each event id once: events already in the
   * warehouse (a redelivery) and repeats within the batch are dropped.
   */
  public synchronized Ingested ingest(List<OrderEvent> events) {
    if (events.isEmpty()) {
      return new Ingested(0, 0);
    }
    try {
      writer.setAutoCommit(false);
      try (Statement s = writer.createStatement()) {
        s.execute("DELETE FROM _stage_events");
        s.execute("DELETE FROM _stage_lines");
        long now = micros(java.time.Instant.now());
        try (DuckDBAppender ev = writer.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "_stage_events");
             DuckDBAppender li = writer.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "_stage_lines")) {
          for (OrderEvent e : events) {
            ev.beginRow();
            ev.append(e.eventId());
            ev.append(e.type());
            ev.append(e.orderId());
            ev.append(e.status());
            ev.append(e.currency());
            ev.append(e.totalCents());
            ev.appendEpochMicros(micros(e.occurredAt()));
            ev.append(e.partition());
            ev.append(e.offset());
            ev.appendEpochMicros(now);
            ev.endRow();
            for (OrderEvent.Line l : e.lines()) {
              li.beginRow();
              li.append(e.eventId());
              li.append(e.orderId());
              li.append(l.lineNo());
              li.append(l.productId());
              li.append(l.quantity());
              li.append(l.unitPriceCents());
              li.endRow();
            }
          }
        }
        // Exactly once: the batch's first copy of each event id, less the ids already stored (an
        // anti-join that hashes the small batch and scans the ids once; this writer is the only
        // one, under this object's lock). seq numbers the new events in arrival order (partition,
        // offset): the models' watermark.
        s.execute("CREATE OR REPLACE TEMP TABLE _new_events AS SELECT n.*, "
            + "(SELECT coalesce(max(seq), 0) FROM raw_order_events) + row_number() OVER (ORDER BY kafka_partition, "
            + "kafka_offset) AS seq FROM (SELECT DISTINCT ON (event_id) * FROM _stage_events "
            + "ORDER BY event_id, kafka_partition, kafka_offset) n "
            + "WHERE NOT EXISTS (SELECT 1 FROM raw_order_events r WHERE r.event_id = n.event_id)");
        int added = s.executeUpdate("INSERT INTO raw_order_events BY NAME SELECT * FROM _new_events");
        s.executeUpdate("INSERT INTO raw_order_lines SELECT DISTINCT ON (event_id, line_no) * FROM _stage_lines l "
            + "WHERE l.event_id IN (SELECT event_id FROM _new_events)");
        s.execute("DROP TABLE _new_events");
        writer.commit();
        return new Ingested(added, events.size() - added);
      }
    } catch (SQLException e) {
      rollback();
      throw new WarehouseException("ingest of " + events.size() + " events failed: " + e.getMessage(), e);
    } finally {
      autoCommit();
    }
  }

  /** Forgets every ingested event (a backfill from the beginning starts here). */
  public synchronized void clearRaw() {
    execute("DELETE FROM raw_order_lines");
    execute("DELETE FROM raw_order_events");
  }

  /** Runs {@code work} with the writer connection, under the write lock. */
  public synchronized <T> T write(SqlWork<T> work) {
    try {
      return work.run(writer);
    } catch (SQLException e) {
      throw new WarehouseException(e.getMessage(), e);
    }
  }

  /** Runs {@code work} with a connection of its own (closed after), for reads. */
  public <T> T read(SqlWork<T> work) {
    try (Connection conn = writer.duplicate()) {
      return work.run(conn);
    } catch (SQLException e) {
      throw new WarehouseException(e.getMessage(), e);
    }
  }

  /** JDBC work on a connection. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection conn) throws SQLException;
  }

  /** The arrival number of the last event ingested, or 0. */
  public long lastSeq() {
    return read(conn -> {
      try (Statement s = conn.createStatement(); ResultSet r = s.executeQuery(
          "SELECT coalesce(max(seq), 0) FROM raw_order_events")) {
        r.next();
        return r.getLong(1);
      }
    });
  }

  private void execute(String sql) {
    try (Statement s = writer.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new WarehouseException(e.getMessage(), e);
    }
  }

  private void rollback() {
    try {
      writer.rollback();
    } catch (SQLException ignored) {
      // the transaction is gone either way; the ingest's own failure is what gets reported
    }
  }

  private void autoCommit() {
    try {
      writer.setAutoCommit(true);
    } catch (SQLException ignored) {
      // the next use reports a broken connection
    }
  }

  @Override
  public synchronized void close() {
    try {
      writer.close();
    } catch (SQLException e) {
      throw new WarehouseException("cannot close the warehouse: " + e.getMessage(), e);
    }
  }

  private static long micros(java.time.Instant at) {
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
  }

  /** Quotes an identifier for DuckDB SQL. */
  public static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  /** A path as a DuckDB string literal. */
  public static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
