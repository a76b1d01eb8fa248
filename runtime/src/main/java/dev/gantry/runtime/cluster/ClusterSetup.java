package dev.gantry.runtime.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.instance.ProtocolType;
import dev.gantry.config.ClusterKeys;
import dev.gantry.config.ConfigException;
import dev.gantry.config.GantryConfig;
import dev.gantry.config.MeshConfig;
import dev.gantry.runtime.seal.ClusterSeal;
import dev.gantry.runtime.seal.SealRejections;
import dev.gantry.runtime.seal.SealedClusterManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import dev.gantry.embedded.FreePort;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/** Builds the cluster manager and Vert.x options of a node from its configuration. */
public final class ClusterSetup {
  private ClusterSetup() {}

  /**
   * The node's cluster manager: sealing every cluster map when a cluster key is configured
   * ({@code cluster.key} or {@code cluster.key-file}), plain Hazelcast otherwise.
   *
   * @throws ConfigException when the key file cannot be read or holds no valid key
   */
  public static HazelcastClusterManager clusterManager(GantryConfig config, MeterRegistry registry) {
    Config hz = hazelcastConfig(config);
    List<byte[]> keys = clusterKeys(config.mesh());
    if (keys.isEmpty()) {
      return new HazelcastClusterManager(hz);
    }
    return new SealedClusterManager(hz, new ClusterSeal(keys), new SealRejections(registry));
  }

  /**
   * The cluster keys, the sealing one first: {@code cluster.key}, or each line of
   * {@code cluster.key-file} that is not blank or a {@code #} comment — more than one while a key
   * is being rotated.
   */
  static List<byte[]> clusterKeys(MeshConfig mesh) {
    if (mesh.clusterKey().isPresent()) {
      return List.of(ClusterKeys.decode(mesh.clusterKey().get(), "cluster.key"));
    }
    if (mesh.clusterKeyFile().isEmpty()) {
      return List.of();
    }
    Path file = mesh.clusterKeyFile().get();
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new ConfigException("config: cluster.key-file: cannot read " + file + ": " + e.getMessage());
    }
    List<byte[]> keys = new java.util.ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (!line.isEmpty() && !line.startsWith("#")) {
        keys.add(ClusterKeys.decode(line, "cluster.key-file " + file + " line " + (i + 1)));
      }
    }
    if (keys.isEmpty()) {
      throw new ConfigException("config: cluster.key-file: " + file + " holds no key");
    }
    return keys;
  }

  private static Config hazelcastConfig(GantryConfig config) {
    // Vert.x's default-cluster.xml carries the map settings its cluster manager relies on.
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(config.clusterName());
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "20");
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    // Only the member protocol, only on cluster.host: no client endpoint (a Hazelcast client that
    // knows the cluster name could otherwise read every map), no REST or memcache, no wildcard bind.
    hz.setProperty("hazelcast.socket.bind.any", "false");
    AdvancedNetworkConfig network = hz.getAdvancedNetworkConfig().setEnabled(true);
    int port = config.clusterPort() == 0 ? FreePort.pick() : config.clusterPort();
    ServerSocketEndpointConfig member = new ServerSocketEndpointConfig();
    member.setPort(port).setPortAutoIncrement(true).setPortCount(20);
    member.getInterfaces().setEnabled(true).addInterface(config.clusterHost());
    network.setMemberEndpointConfig(member);
    network.getEndpointConfigs().keySet().removeIf(q -> q.getType() != ProtocolType.MEMBER);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(3);
    if (config.clusterJoin().isEmpty()) {
      join.getTcpIpConfig().addMember(config.clusterHost() + ":" + port);
    } else {
      config.clusterJoin().forEach(m -> join.getTcpIpConfig().addMember(m));
    }
    hz.setProperty("hazelcast.local.localAddress", config.clusterHost());
    return hz;
  }

  public static VertxOptions vertxOptions(GantryConfig config) {
    EventBusOptions bus = new EventBusOptions().setHost(config.clusterHost()).setPort(0)
        .setClusterPublicHost(config.clusterHost());
    config.mesh().tls().ifPresent(tls -> {
      for (Path f : java.util.List.of(tls.certFile(), tls.keyFile(), tls.caFile())) {
        if (!Files.isReadable(f)) {
          throw new ConfigException("config: cluster.tls: cannot read " + f);
        }
      }
      // Every node is both server and client of the bus: it shows its own certificate and accepts
      // only peers whose certificate the cluster CA signed, in both directions.
      bus.setSsl(true)
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certFile().toString())
              .setKeyPath(tls.keyFile().toString()))
          .setTrustOptions(new PemTrustOptions().addCertPath(tls.caFile().toString()))
          .setClientAuth(ClientAuth.REQUIRED)
          .setEnabledSecureTransportProtocols(java.util.Set.of("TLSv1.3"));
    });
    return new VertxOptions()
        .setPreferNativeTransport(true)
        .setEventBusOptions(bus);
  }
}
