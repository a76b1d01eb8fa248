package dev.gantry.runtime.cli;

import dev.gantry.analytics.AnalyticsOptions;
import dev.gantry.analytics.ingest.Backfill;
import dev.gantry.analytics.model.ModelRunner;
import dev.gantry.analytics.model.ModelSet;
import dev.gantry.analytics.model.ModelStatus;
import dev.gantry.analytics.warehouse.ParquetExport;
import dev.gantry.analytics.warehouse.Warehouse;
import dev.gantry.analytics.warehouse.WarehouseException;
import dev.gantry.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar gantry.jar analytics backfill --from-beginning} and {@code analytics export}:
 * the warehouse of a data directory, worked on while its node is stopped (DuckDB lets one process
 * write a file; the embedded Kafka of the directory is started for the backfill when no
 * {@code --kafka-bootstrap} is given).
 */
@Command(name = "analytics", mixinStandardHelpOptions = true,
    description = "Works on the analytics warehouse of a data directory (stop its node first).",
    subcommands = {AnalyticsCommand.BackfillCommand.class, AnalyticsCommand.ExportCommand.class})
final class AnalyticsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("analytics: name a subcommand: backfill or export (see --help)");
    return 2;
  }

  static Path dataDir(String flag) {
    return Path.of(flag != null ? flag : System.getenv().getOrDefault("GANTRY_DATA_DIR", "gantry-data"));
  }

  /** The embedded broker's and the clients' INFO lines would bury the progress line. */
  static void quiet() {
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
  }

  static Warehouse open(Path dataDir) {
    try {
      return Warehouse.open(AnalyticsOptions.directoryIn(dataDir));
    } catch (WarehouseException e) {
      throw new IllegalStateException(e.getMessage() + " (is a node running on " + dataDir
          + "? stop it first: DuckDB lets one process write the file)", e);
    }
  }

  @Command(name = "backfill", mixinStandardHelpOptions = true,
      description = "Re-reads the topic from its beginning into an emptied warehouse and rebuilds every model.")
  static final class BackfillCommand implements Callable<Integer> {
    @Option(names = "--from-beginning", required = true, description = "Read the topic from its first record (the only mode).")
    boolean fromBeginning;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default $GANTRY_DATA_DIR or ./gantry-data).")
    String dataDir;

    @Option(names = "--kafka-bootstrap", paramLabel = "HOST:PORT", description = "Kafka to read (default $GANTRY_KAFKA_BOOTSTRAP, else the data directory's embedded one).")
    String bootstrap;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = AnalyticsOptions.DEFAULT_TOPIC, description = "Topic (default orders.v1).")
    String topic;

    @Override
    public Integer call() {
      quiet();
      Path dir = dataDir(dataDir);
      String kafka = bootstrap != null ? bootstrap : System.getenv("GANTRY_KAFKA_BOOTSTRAP");
      EmbeddedKafkaBroker broker = null;
      try (Warehouse warehouse = open(dir)) {
        if (kafka == null || kafka.isBlank()) {
          System.err.println("backfill: starting the embedded Kafka of " + dir);
          broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
          kafka = broker.endpoint();
        }
        Backfill.Result result = Backfill.fromBeginning(warehouse, new ModelRunner(warehouse, ModelSet.builtIn()),
            kafka, topic, System.err);
        System.out.printf("backfill %s: %,d records, %,d events, %,d repeats dropped, %,d undecodable, %.1f s%n",
            topic, result.records(), result.added(), result.duplicates(), result.undecodable(), result.seconds());
        int failed = 0;
        for (ModelStatus s : result.models()) {
          System.out.println("  model " + s.name() + ": " + (s.failing() ? "FAILED: " + s.lastError()
              : (s.rows() == null ? "view" : s.rows() + " rows") + " in " + s.durationMillis() + " ms"));
          failed += s.failing() ? 1 : 0;
        }
        return failed == 0 ? 0 : 1;
      } catch (RuntimeException e) {
        System.err.println("backfill failed: " + e.getMessage());
        return 1;
      } finally {
        if (broker != null) {
          broker.close();
        }
      }
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Writes every model as Parquet, partitioned by day where it has a day column.")
  static final class ExportCommand implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default $GANTRY_DATA_DIR or ./gantry-data).")
    String dataDir;

    @Option(names = "--to", paramLabel = "DIR", description = "Target directory (default <data-dir>/analytics/export).")
    Path to;

    @Override
    public Integer call() {
      quiet();
      Path dir = dataDir(dataDir);
      try (Warehouse warehouse = open(dir)) {
        Path target = to != null ? to : AnalyticsOptions.directoryIn(dir).resolve("export");
        System.out.println(ParquetExport.export(warehouse, ModelSet.BUILT_IN, target).encodePrettily());
        return 0;
      } catch (RuntimeException e) {
        System.err.println("export failed: " + e.getMessage());
        return 1;
      }
    }
  }
}
