package dev.gantry.runtime.cli;

import dev.gantry.runtime.cluster.ClusterCa;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar gantry.jar cluster-ca --nodes n1,n2}: a development CA, node certificates and a
 * cluster key under {@code <data-dir>/cluster-tls}, and the configuration lines that use them. For
 * local clusters; production certificates come from the organisation's own CA.
 */
@Command(name = "cluster-ca", mixinStandardHelpOptions = true,
    description = "Makes a dev cluster CA, node certificates and a cluster key under <data-dir>/cluster-tls.")
final class ClusterCaCommand implements Callable<Integer> {
  static final List<String> BUILT_IN_SERVICES = List.of("gateway", "catalog", "inventory", "orders");

  @Option(names = "--nodes", paramLabel = "NAME", split = ",", description = "Nodes to issue certificates for (default node1).")
  List<String> nodes = new ArrayList<>(List.of("node1"));

  @Option(names = "--services", paramLabel = "NAME", split = ",",
      description = "Service identities the nodes may run (default gateway,catalog,inventory,orders).")
  List<String> services = new ArrayList<>(BUILT_IN_SERVICES);

  @Option(names = "--hosts", paramLabel = "HOST", split = ",", description = "Addresses the nodes are reached at (default 127.0.0.1,localhost).")
  List<String> hosts = new ArrayList<>(List.of("127.0.0.1", "localhost"));

  @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = "gantry", description = "Cluster name, part of each identity (default gantry).")
  String cluster;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default $GANTRY_DATA_DIR or ./gantry-data).")
  String dataDir;

  @Override
  public Integer call() {
    String data = dataDir != null ? dataDir : System.getenv().getOrDefault("GANTRY_DATA_DIR", "gantry-data");
    Path dir = Path.of(data, "cluster-tls").toAbsolutePath();
    ClusterCa ca;
    try {
      ca = ClusterCa.in(dir, cluster);
      for (String node : nodes) {
        ca.issue(node, hosts, services);
      }
    } catch (IllegalArgumentException e) {
      System.err.println("cluster-ca: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      System.err.println("cluster-ca: " + e.getMessage());
      return 1;
    }
    System.out.println("CA, cluster key and " + nodes.size() + " node certificate" + (nodes.size() == 1 ? "" : "s")
        + " in " + dir + "; start each node with:");
    for (String node : nodes) {
      System.out.println();
      System.out.println("# " + node);
      System.out.println("GANTRY_CLUSTER_NAME=" + cluster);
      System.out.println("GANTRY_CLUSTER_KEY_FILE=" + ca.clusterKeyFile());
      System.out.println("GANTRY_CLUSTER_TLS_CERT_FILE=" + ca.certFileOf(node));
      System.out.println("GANTRY_CLUSTER_TLS_KEY_FILE=" + ca.keyFileOf(node));
      System.out.println("GANTRY_CLUSTER_TLS_CA_FILE=" + ca.caFile());
    }
    return 0;
  }
}
