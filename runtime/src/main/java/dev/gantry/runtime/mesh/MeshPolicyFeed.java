package dev.gantry.runtime.mesh;

import dev.gantry.codecs.Addresses;
import dev.gantry.discovery.CallPolicy;
import dev.gantry.discovery.MeshGate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node's {@link MeshGate} on the cluster's call policy, on every node whatever its roles:
 * the policy is the {@code mesh} part of the gateway spec, read from the (sealed) spec map at start
 * and from each announced change after, newest version first.
 */
public final class MeshPolicyFeed {
  private static final Logger LOG = LoggerFactory.getLogger(MeshPolicyFeed.class);
  /** The gateway's spec store (gateway-verticle {@code SpecStore}): map and key. */
  static final String SPEC_MAP = "gantry.gateway.spec";
  static final String SPEC_KEY = "current";

  private final Vertx vertx;
  private final MeshGate gate;
  private long version = -1;
  private MessageConsumer<Object> changes;

  public MeshPolicyFeed(Vertx vertx, MeshGate gate) {
    this.vertx = vertx;
    this.gate = gate;
  }

  public Future<Void> start() {
    // An announcement names only the new version; the spec itself is read from the sealed store.
    changes = vertx.eventBus().consumer(Addresses.GATEWAY_SPEC_CHANGED, m -> read()
        .onFailure(e -> LOG.warn("mesh call policy: could not read the announced spec: {}", e.getMessage())));
    return changes.completion().compose(v -> read());
  }

  private Future<Void> read() {
    return vertx.sharedData().<String, Object>getAsyncMap(SPEC_MAP)
        .compose(map -> map.get(SPEC_KEY))
        .map(stored -> {
          if (stored != null) {
            take(stored instanceof JsonObject j ? j : new JsonObject(stored.toString()));
          }
          return null;
        });
  }

  private synchronized void take(JsonObject versioned) {
    try {
      long v = versioned.getLong("version", 0L);
      if (v <= version) {
        return;
      }
      JsonObject spec = versioned.getJsonObject("spec", new JsonObject());
      CallPolicy next = CallPolicy.fromJson(spec.getJsonObject("mesh"), "mesh");
      version = v;
      if (!next.equals(gate.policy())) {
        LOG.info("mesh call policy (spec version {}): default {}, {} rule{}", v, next.defaultAllow() ? "allow" : "deny",
            next.allow().size(), next.allow().size() == 1 ? "" : "s");
      }
      gate.update(next);
    } catch (RuntimeException e) {
      LOG.warn("mesh call policy: ignored an unreadable spec ({}); keeping the current policy", e.getMessage());
    }
  }

  public Future<Void> stop() {
    return changes == null ? Future.succeededFuture() : changes.unregister();
  }
}
