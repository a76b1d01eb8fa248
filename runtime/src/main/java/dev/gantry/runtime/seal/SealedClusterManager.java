package dev.gantry.runtime.seal;

import com.hazelcast.config.Config;
import io.vertx.core.Completable;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Hazelcast as Vert.x's cluster manager, with every cluster-wide {@link AsyncMap} sealed under the
 * cluster key: the route spec, service records (Vert.x Service Discovery keeps them in such a
 * map), backend records, cached key sets, the node directory — and any map added later, since
 * they all come through here. Locks, counters and Vert.x's own membership and subscription data
 * are not maps of ours and stay as they are (see README, Mesh).
 */
public final class SealedClusterManager extends HazelcastClusterManager {
  private final ClusterSeal seal;
  private final SealRejections rejections;

  public SealedClusterManager(Config config, ClusterSeal seal, SealRejections rejections) {
    super(config);
    this.seal = seal;
    this.rejections = rejections;
  }

  @Override
  public <K, V> void getAsyncMap(String name, Completable<AsyncMap<K, V>> promise) {
    super.<K, Object>getAsyncMap(name, (map, failure) -> {
      if (failure != null) {
        promise.fail(failure);
      } else {
        promise.succeed(new SealedAsyncMap<>(name, map, seal, rejections));
      }
    });
  }

  public SealRejections rejections() {
    return rejections;
  }
}
