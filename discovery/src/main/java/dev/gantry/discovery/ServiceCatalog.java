package dev.gantry.discovery;

import dev.gantry.discovery.impl.VertxServiceCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Which service instances run in the cluster. Backed by Vert.x Service Discovery (cluster-wide
 * records), which nothing outside this module may import: Vert.x 5 has sunset it, and this small
 * interface is what would move to the Service Resolver.
 */
public interface ServiceCatalog {
  static ServiceCatalog create(Vertx vertx) {
    return new VertxServiceCatalog(vertx);
  }

  /** Announces an instance; the future holds the registration id for {@link #unpublish}. */
  Future<String> publish(ServiceRecord record);

  /** Withdraws one record; one that is gone already (withdrawn by {@link #handOver}) counts as withdrawn. */
  Future<Void> unpublish(String registration);

  /**
   * Withdraws every record published by {@code node}: for a node that left or died, whose records
   * nobody else would remove. Safe to call from every node at once; the future holds how many
   * records this call removed.
   */
  Future<Integer> withdrawNode(String node);

  /**
   * For a node about to stop: withdraws those of its records whose service (name and version)
   * another node serves too, so callers move to those while this node still answers what it was
   * sent; a service nobody else serves stays listed until the node stops. The future holds how
   * many records were withdrawn.
   */
  Future<Integer> handOver(String node);

  /** Instances of {@code name} (of {@code version}, when not null), from a cache at most a second old. */
  Future<List<ServiceRecord>> lookup(String name, String version);

  void close();
}
