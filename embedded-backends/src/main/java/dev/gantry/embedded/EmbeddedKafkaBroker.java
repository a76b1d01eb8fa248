package dev.gantry.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node Kafka (broker and controller in one, KRaft) running in this JVM. Its version is
 * the kafka-clients version on the classpath, so clients and broker always agree.
 */
public final class EmbeddedKafkaBroker implements EmbeddedBackend {
  private final KafkaRaftServer server;
  private final int port;

  private EmbeddedKafkaBroker(KafkaRaftServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Formats {@code dataDir} on first use, then starts the broker on free loopback ports. */
  public static EmbeddedKafkaBroker start(Path dataDir) {
    return start(dataDir, 0);
  }

  /**
   * As {@link #start(Path)}, with clients' listener on {@code port} when positive: a broker started
   * again on its data directory and port is the same broker to its clients.
   */
  public static EmbeddedKafkaBroker start(Path dataDir, int clientPort) {
    int port;
    int controllerPort;
    if (clientPort > 0) {
      port = clientPort;
      controllerPort = FreePort.pick(1, clientPort)[0];
    } else {
      int[] two = FreePort.pick(2);
      port = two[0];
      controllerPort = two[1];
    }
    try {
      Path logs = dataDir.resolve("logs");
      Files.createDirectories(logs);
      Properties props = new Properties();
      props.put("process.roles", "broker,controller");
      props.put("node.id", "1");
      props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
      props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
      props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
      props.put("controller.listener.names", "CONTROLLER");
      props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      props.put("inter.broker.listener.name", "PLAINTEXT");
      props.put("log.dirs", logs.toAbsolutePath().toString());
      props.put("num.partitions", "1");
      props.put("auto.create.topics.enable", "true");
      props.put("offsets.topic.replication.factor", "1");
      props.put("offsets.topic.num.partitions", "4");
      props.put("transaction.state.log.replication.factor", "1");
      props.put("transaction.state.log.min.isr", "1");
      props.put("group.initial.rebalance.delay.ms", "0");
      props.put("log.flush.interval.messages", "1");
      props.put("shutdown.timeout.ms", "2000");
      // After a crash the controller keeps the dead broker's registration until its session
      // expires, and refuses the restarted broker until then (9 s by default). Heartbeats stay
      // inside this JVM, so a short session costs nothing.
      props.put("broker.heartbeat.interval.ms", "500");
      props.put("broker.session.timeout.ms", "2500");
      Path file = dataDir.resolve("server.properties");
      try (OutputStream out = Files.newOutputStream(file)) {
        props.store(out, "written by Gantry on every start");
      }
      KafkaConfig config = KafkaConfig.fromProps(props, false);
      format(dataDir, config);
      KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
      return new EmbeddedKafkaBroker(server, port);
    } catch (IOException e) {
      throw new UncheckedIOException("embedded Kafka did not start in " + dataDir, e);
    }
  }

  /**
   * Formats the log directories on first use (as {@code kafka-storage format} would). The tool
   * writes to its stream, and one line straight to System.out, which would break the node's
   * one-object-a-line JSON log: its stream goes into the failure, and System.out is held while it
   * runs (whatever else was written meanwhile is passed on afterwards, that line excepted).
   */
  private static void format(Path dataDir, KafkaConfig config) throws IOException {
    if (Files.exists(Path.of(config.logDirs().head(), "meta.properties"))) {
      return; // formatted on an earlier start
    }
    Path idFile = dataDir.resolve("cluster.id");
    if (!Files.exists(idFile)) {
      Files.writeString(idFile, Uuid.randomUuid().toString());
    }
    String clusterId = Files.readString(idFile).trim();
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    ByteArrayOutputStream held = new ByteArrayOutputStream();
    PrintStream console = System.out;
    int rc;
    System.setOut(new PrintStream(held, true, StandardCharsets.UTF_8));
    try {
      rc = StorageTool.formatCommand(new PrintStream(said, true, StandardCharsets.UTF_8),
          StorageTool.configToLogDirectories(config), StorageTool.buildMetadataProperties(clusterId, config),
          MetadataVersion.LATEST_PRODUCTION, true);
    } finally {
      System.setOut(console);
      held.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("metaPropertiesEnsemble="))
          .forEach(console::println);
    }
    if (rc != 0) {
      throw new IOException("kafka storage format exited with " + rc + ": " + said.toString(StandardCharsets.UTF_8));
    }
  }

  public int port() {
    return port;
  }

  @Override
  public String endpoint() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
