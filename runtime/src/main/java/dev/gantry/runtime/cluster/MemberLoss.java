package dev.gantry.runtime.cluster;

import com.hazelcast.cluster.MembershipAdapter;
import com.hazelcast.cluster.MembershipEvent;
import dev.gantry.codecs.Addresses;
import dev.gantry.discovery.ServiceCatalog;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Hazelcast's member-removed event (a node stopped, or died and the cluster noticed) into
 * Gantry's: {@link Addresses#NODE_LEFT} published on this node, so gateways fail what they still
 * wait for from that node at once, and the node's service records withdrawn from the catalog and
 * its entry from the node directory (a dead node cannot withdraw its own; every survivor tries,
 * removal is idempotent). A Vert.x node
 * id is the member attribute {@value #NODE_ID_ATTRIBUTE} (vertx-hazelcast sets it), not the
 * member's UUID.
 */
public final class MemberLoss extends MembershipAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(MemberLoss.class);
  static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private final Vertx vertx;
  private final ServiceCatalog catalog;

  private MemberLoss(Vertx vertx, ServiceCatalog catalog) {
    this.vertx = vertx;
    this.catalog = catalog;
  }

  /** Starts watching; the listener goes with the Hazelcast instance. */
  public static UUID watch(Vertx vertx, HazelcastClusterManager cluster, ServiceCatalog catalog) {
    return cluster.getHazelcastInstance().getCluster().addMembershipListener(new MemberLoss(vertx, catalog));
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    String node = event.getMember().getAttribute(NODE_ID_ATTRIBUTE);
    if (node == null) {
      return; // not a Vert.x node
    }
    LOG.warn("node {} left the cluster", node);
    vertx.eventBus().publish(Addresses.NODE_LEFT, node, new DeliveryOptions().setLocalOnly(true));
    catalog.withdrawNode(node).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("could not withdraw the service records of node {}: {}", node, ar.cause().getMessage());
      } else if (ar.result() > 0) {
        LOG.info("withdrew {} service records of node {}", ar.result(), node);
      }
    });
    NodeDirectory.forget(vertx, node).onFailure(e -> LOG.warn("could not remove node {} from the node directory: {}",
        node, e.getMessage()));
  }
}
