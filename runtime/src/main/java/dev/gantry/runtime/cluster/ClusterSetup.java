package dev.gantry.runtime.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.instance.ProtocolType;
import dev.gantry.config.GantryConfig;
import dev.gantry.embedded.FreePort;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/** Builds the cluster manager and Vert.x options of a node from its configuration. */
public final class ClusterSetup {
  private ClusterSetup() {}

  public static HazelcastClusterManager clusterManager(GantryConfig config) {
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
    return new HazelcastClusterManager(hz);
  }

  public static VertxOptions vertxOptions(GantryConfig config) {
    return new VertxOptions()
        .setPreferNativeTransport(true)
        .setEventBusOptions(new EventBusOptions().setHost(config.clusterHost()).setPort(0)
            .setClusterPublicHost(config.clusterHost()));
  }
}
