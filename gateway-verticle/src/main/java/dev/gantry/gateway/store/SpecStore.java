package dev.gantry.gateway.store;

import dev.gantry.codecs.Addresses;
import dev.gantry.gateway.spec.GatewaySpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.function.UnaryOperator;

/**
 * Versioned gateway spec shared by the cluster. The stored document is
 * {@code {"version": n, "spec": {...}}}; every change increments the version and is announced on
 * {@link Addresses#GATEWAY_SPEC_CHANGED} as {@code {"version": n}} only: a node that has an older
 * version reads the spec from the store ({@link #current}), where it is sealed under the cluster
 * key. So an announcement carries nothing worth reading, and a forged one makes nodes read again,
 * nothing more.
 */
public final class SpecStore {
  private static final Logger LOG = LoggerFactory.getLogger(SpecStore.class);
  static final String MAP = "gantry.gateway.spec";
  static final String KEY = "current";
  static final String LOCK = "gantry.gateway.spec.lock";

  /** A spec with the version it was stored under. */
  public record Versioned(long version, GatewaySpec spec) {
    public JsonObject toJson() {
      return new JsonObject().put("version", version).put("spec", spec.toJson());
    }

    public static Versioned fromJson(JsonObject json) {
      return new Versioned(json.getLong("version"), GatewaySpec.fromJson(json.getJsonObject("spec")));
    }
  }

  private final Vertx vertx;
  private final Consumer<Versioned> applyHere;
  private final Supplier<Versioned> held;

  /**
   * @param applyHere applies a change this store made to this node before the change is announced,
   *                  so that whoever made it (an admin API call) reads its own write at once
   * @param held      the spec this node runs (version 0 before the first): a change starts from it
   *                  when the cluster's copy is missing, unreadable or older — a copy that does not
   *                  open under the cluster key, or an old sealed copy written back, never becomes
   *                  the base of the next change
   */
  public SpecStore(Vertx vertx, Consumer<Versioned> applyHere, Supplier<Versioned> held) {
    this.vertx = vertx;
    this.applyHere = applyHere;
    this.held = held;
  }

  /**
   * The cluster's spec. A node's route file ({@code seed}, with the defaults in it) becomes the
   * cluster's spec when the cluster has none yet, an empty one, or only {@code defaults} (the
   * reference routes every node seeds); otherwise the cluster's spec wins (and the caller is told,
   * through a spec other than the seed, that its file was not used).
   */
  public Future<Versioned> load(GatewaySpec seed, GatewaySpec defaults) {
    boolean seedIsDefault = isEmpty(seed) || seed.equals(defaults);
    Future<Versioned> loaded = locked(map -> map.get(KEY).compose(current -> {
      Versioned now = current == null ? new Versioned(0, GatewaySpec.EMPTY) : Versioned.fromJson(new JsonObject(current));
      boolean clusterIsDefault = isEmpty(now.spec()) || now.spec().equals(defaults);
      if (!clusterIsDefault || now.spec().equals(seed) || (seedIsDefault && !isEmpty(now.spec()))) {
        return Future.succeededFuture(now);
      }
      Versioned next = new Versioned(now.version() + 1, seed);
      return map.put(KEY, next.toJson().encode()).map(next);
    }));
    return loaded.onSuccess(v -> {
      if (!seedIsDefault && v.spec().equals(seed)) {
        vertx.eventBus().publish(Addresses.GATEWAY_SPEC_CHANGED, announcement(v));
      }
    });
  }

  private static boolean isEmpty(GatewaySpec spec) {
    return spec.routes().isEmpty() && spec.upstreams().isEmpty() && spec.policies().isEmpty();
  }

  /** Applies a change (which may throw to refuse it), stores and announces the result. */
  public Future<Versioned> update(UnaryOperator<GatewaySpec> change) {
    return locked(map -> map.get(KEY).compose(current -> {
      Versioned stored = current == null ? new Versioned(0, GatewaySpec.EMPTY)
          : Versioned.fromJson(new JsonObject(current));
      Versioned mine = held.get();
      Versioned now = stored;
      if (mine != null && mine.version() > stored.version()) {
        LOG.warn("the cluster's spec is {} (version {}) while this node runs version {}: changing this node's",
            current == null ? "missing or unreadable" : "older", stored.version(), mine.version());
        now = mine;
      }
      Versioned next;
      try {
        next = new Versioned(now.version() + 1, change.apply(now.spec()));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
      return map.put(KEY, next.toJson().encode()).map(next);
    })).onSuccess(next -> {
      applyHere.accept(next);
      vertx.eventBus().publish(Addresses.GATEWAY_SPEC_CHANGED, announcement(next));
    });
  }

  private static JsonObject announcement(Versioned v) {
    return new JsonObject().put("version", v.version());
  }

  /** The version an announcement names, or -1 when it is not one. */
  public static long announced(Object body) {
    return body instanceof JsonObject json && json.getValue("version") instanceof Number n ? n.longValue() : -1;
  }

  /** The spec the cluster holds now, or null when there is none (or none that opens). */
  public Future<Versioned> current() {
    return vertx.sharedData().<String, String>getAsyncMap(MAP).compose(map -> map.get(KEY))
        .map(stored -> stored == null ? null : Versioned.fromJson(new JsonObject(stored)));
  }

  private <T> Future<T> locked(java.util.function.Function<AsyncMap<String, String>, Future<T>> action) {
    return vertx.sharedData().getLockWithTimeout(LOCK, 10_000).compose(lock ->
        vertx.sharedData().<String, String>getAsyncMap(MAP).compose(action)
            .andThen(ar -> lock.release()));
  }
}
