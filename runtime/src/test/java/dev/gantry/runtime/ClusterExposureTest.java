package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.internal.VertxInternal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a node exposes to the network beside its HTTP port: the Hazelcast member port and the
 * event-bus port listen on {@code cluster.host} only, Hazelcast's client protocol is not served,
 * and the cluster-wide maps hold no secrets.
 */
class ClusterExposureTest {
  private static String cluster;
  private static Gantry node;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestNodes.uniqueCluster("exposure");
    Map<String, String> flags = TestNodes.base(cluster); // embedded backends: their records get published
    node = TestNodes.start(flags);
  }

  @AfterAll
  static void stop() throws Exception {
    TestNodes.stop(node);
  }

  @Test
  void aHazelcastClientThatKnowsTheClusterNameCannotConnect() {
    ClientConfig config = new ClientConfig().setClusterName(cluster);
    config.getNetworkConfig().addAddress("127.0.0.1:" + node.clusterPort());
    config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(3_000);
    config.setProperty("hazelcast.logging.type", "slf4j");
    assertThrows(IllegalStateException.class, () -> HazelcastClient.newHazelcastClient(config).shutdown());
  }

  @Test
  void theMemberAndEventBusPortsListenOnTheClusterHostOnly() throws IOException {
    ClusterManager manager = ((VertxInternal) node.vertx()).clusterManager();
    int eventBusPort = manager.getNodeInfo().port();
    assertEquals(List.of("127.0.0.1"), listeningAddresses(node.clusterPort()), "Hazelcast member port");
    assertEquals(List.of("127.0.0.1"), listeningAddresses(eventBusPort), "event-bus port");
  }

  @Test
  void theSharedBackendRecordsCarryNoPasswords() {
    AsyncMap<String, String> records = node.vertx().sharedData().<String, String>getAsyncMap("gantry.embedded-backends")
        .await();
    Map<String, String> all = records.entries().await();
    assertFalse(all.isEmpty(), "the node published its embedded backends");
    all.forEach((name, url) -> assertFalse(url.matches("(?s).*://[^/@]*:[^/@]*@.*"), name + " record holds a password: " + url));
  }

  /** Local addresses of the sockets listening on {@code port} (from /proc/net/tcp and tcp6). */
  private static List<String> listeningAddresses(int port) throws IOException {
    String hexPort = String.format(Locale.ROOT, "%04X", port);
    List<String> found = new java.util.ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) {
        continue;
      }
      for (String line : Files.readAllLines(path)) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 3 && f[3].equals("0A") && f[1].endsWith(":" + hexPort)) { // 0A = LISTEN
          found.add(address(f[1].substring(0, f[1].indexOf(':'))));
        }
      }
    }
    assertTrue(!found.isEmpty(), "something listens on " + port);
    return found;
  }

  private static String address(String hex) {
    if (hex.length() == 8) {
      long v = Long.parseLong(hex, 16);
      return (v & 0xFF) + "." + (v >> 8 & 0xFF) + "." + (v >> 16 & 0xFF) + "." + (v >> 24 & 0xFF);
    }
    if (hex.startsWith("0000000000000000FFFF0000")) {
      return address(hex.substring(24)); // IPv4-mapped
    }
    return hex.equals("00000000000000000000000000000000") ? "::" : "ipv6:" + hex;
  }
}
