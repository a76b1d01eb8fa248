package dev.gantry.runtime.cli;

import dev.gantry.config.ConfigException;
import dev.gantry.config.ConfigLoader;
import dev.gantry.config.GantryConfig;
import dev.gantry.runtime.Gantry;
import dev.gantry.runtime.logging.LogFormat;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code java -jar gantry.jar [options]}. */
@Command(name = "gantry", mixinStandardHelpOptions = true, version = "Gantry 0.1.0", subcommands = {TokenCommand.class, AnalyticsCommand.class, ClusterCaCommand.class},
    description = "Runs a Gantry node: gateway, services, or both, in one Hazelcast cluster.%n"
        + "Every option is also a config key (see --config, GANTRY_* env vars, -Dgantry.*).",
    footer = {"%nConfiguration keys (key, env var, default):"})
public final class Main implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  static final long STOP_TIMEOUT_SECONDS = 14;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
  Path configFile;

  @Option(names = "--http-port", paramLabel = "PORT", description = "Gateway port; 0 picks a free one (default 8080).")
  String httpPort;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory of embedded backends (default ./gantry-data).")
  String dataDir;

  @Option(names = "--roles", paramLabel = "ROLES", description = "gateway,services,analytics (default all three).")
  String roles;

  @Option(names = "--cluster-name", paramLabel = "NAME", description = "Cluster name (default gantry).")
  String clusterName;

  @Option(names = "--cluster-port", paramLabel = "PORT", description = "Hazelcast port; 0 picks a free one (default 5701).")
  String clusterPort;

  @Option(names = "--routes", paramLabel = "FILE", description = "YAML route file (routes: and upstreams:).")
  String routes;

  @Option(names = "--join", paramLabel = "HOST:PORT,...", description = "Cluster members to join.")
  String join;

  @Option(names = "--standalone", description = "No Hazelcast: a node of its own, for a lean edge node (cluster.standalone).")
  boolean standalone;

  @Option(names = "--tls-self-signed", description = "Serve HTTPS with a dev certificate made under the data dir (tls.self-signed).")
  boolean tlsSelfSigned;

  public static void main(String[] args) {
    dev.gantry.gateway.tls.ListenerCertificates.refuseClientRenegotiation(); // before any TLS is set up
    CommandLine cli = new CommandLine(new Main());
    cli.getCommandSpec().usageMessage().footer(footer());
    int code = cli.execute(args);
    if (code != 0 || cli.isUsageHelpRequested() || cli.isVersionHelpRequested()
        || cli.getParseResult() != null && cli.getParseResult().hasSubcommand()) {
      System.exit(code);
    }
  }

  private static String[] footer() {
    String[] lines = ConfigLoader.describe().toArray(String[]::new);
    String[] all = new String[lines.length + 1];
    all[0] = "%nConfiguration keys (key, env var, default, meaning):";
    System.arraycopy(lines, 0, all, 1, lines.length);
    return all;
  }

  @Override
  public Integer call() throws Exception {
    GantryConfig config;
    try {
      config = ConfigLoader.load(configFile, System.getenv(), properties(), flags());
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    LogFormat.apply(config.logFormat(), config.accessLog());
    if (config.tls().ocspStapling()) {
      // The JDK's TLS reads this once, when its first server context is made: before anything starts.
      System.setProperty("jdk.tls.server.enableStatusRequestExtension", "true");
    }
    // Handled from before the start: a SIGTERM while embedded backends start would otherwise end the
    // JVM at once, leaving them for the watchdogs, and exit 143 instead of 0.
    StopSignal signal = new StopSignal();
    Signal.handle(new Signal("TERM"), signal);
    Signal.handle(new Signal("INT"), signal);
    Gantry gantry;
    try {
      gantry = Gantry.start(config).await(10, TimeUnit.MINUTES);
    } catch (ConfigException e) {
      System.err.println(e.getMessage()); // a route file mistake, found before anything started
      return 2;
    } catch (Exception e) {
      LOG.debug("start-up failure", e);
      System.err.println("Gantry did not start: " + e.getMessage());
      return 1;
    }
    signal.await();
    LOG.info("stopping Gantry node {}", gantry.nodeId());
    try {
      gantry.stop().await(config.shutdownDrainMillis() / 1_000 + STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Gantry did not stop cleanly: {}", e.toString());
    }
    System.exit(0);
    return 0;
  }

  /** SIGTERM or SIGINT, remembered from whenever it comes: during the start it waits its turn. */
  private static final class StopSignal implements sun.misc.SignalHandler {
    private final CountDownLatch received = new CountDownLatch(1);
    private volatile boolean started;

    @Override
    public void handle(Signal sig) {
      if (!started && received.getCount() > 0) {
        LOG.info("SIG{} during start-up: the node stops once it has started", sig.getName());
      }
      received.countDown();
    }

    void await() throws InterruptedException {
      started = true;
      received.await();
    }
  }

  private Map<String, String> flags() {
    Map<String, String> flags = new HashMap<>();
    put(flags, "http.port", httpPort);
    put(flags, "data-dir", dataDir);
    put(flags, "roles", roles);
    put(flags, "cluster.name", clusterName);
    put(flags, "cluster.port", clusterPort);
    put(flags, "cluster.join", join);
    put(flags, "routes.file", routes);
    if (standalone) {
      flags.put("cluster.standalone", "on");
    }
    if (tlsSelfSigned) {
      flags.put("tls.self-signed", "on");
    }
    return flags;
  }

  private static void put(Map<String, String> flags, String key, String value) {
    if (value != null) {
      flags.put(key, value);
    }
  }

  private static Map<String, String> properties() {
    Map<String, String> props = new HashMap<>();
    System.getProperties().forEach((k, v) -> props.put(k.toString(), v.toString()));
    return props;
  }
}
