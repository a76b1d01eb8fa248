package dev.gantry.discovery.impl;

import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.discovery.ServiceRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import io.vertx.servicediscovery.ServiceDiscoveryOptions;
import io.vertx.servicediscovery.Status;
import java.util.List;
import java.util.Objects;

/**
 * Records of type {@code gantry-http}: location {@code {"endpoint": address}}, metadata version,
 * zone and node. Lookups read the cluster-wide registry at most once a second; the cached list is
 * good enough because the event bus itself still finds every live consumer of an address.
 */
public final class VertxServiceCatalog implements ServiceCatalog {
  static final String TYPE = "gantry-http";
  static final long CACHE_MILLIS = 1_000;

  private final ServiceDiscovery discovery;
  private List<ServiceRecord> cached = List.of();
  private long cachedAt;
  private Future<List<ServiceRecord>> refreshing;

  public VertxServiceCatalog(Vertx vertx) {
    this.discovery = ServiceDiscovery.create(vertx, new ServiceDiscoveryOptions());
  }

  @Override
  public Future<String> publish(ServiceRecord record) {
    Record r = new Record().setType(TYPE).setName(record.name())
        .setLocation(new JsonObject().put("endpoint", record.address()))
        .setMetadata(new JsonObject().put("version", record.version()).put("zone", record.zone())
            .put("node", record.node()));
    cachedAt = 0;
    return discovery.publish(r).map(Record::getRegistration);
  }

  @Override
  public Future<Void> unpublish(String registration) {
    cachedAt = 0;
    return discovery.unpublish(registration)
        .recover(e -> discovery.getRecord(r -> registration.equals(r.getRegistration()), true)
            .compose(r -> r == null ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(e)));
  }

  @Override
  public Future<Integer> handOver(String node) {
    cachedAt = 0;
    return discovery.getRecords(r -> TYPE.equals(r.getType()) && r.getStatus() == Status.UP && r.getMetadata() != null)
        .compose(records -> {
          List<Record> own = records.stream().filter(r -> node.equals(r.getMetadata().getString("node"))).toList();
          List<Record> servedElsewhere = own.stream().filter(mine -> records.stream().anyMatch(other ->
              !node.equals(other.getMetadata().getString("node")) && other.getName().equals(mine.getName())
                  && Objects.equals(other.getMetadata().getString("version"), mine.getMetadata().getString("version"))))
              .toList();
          return Future.join(servedElsewhere.stream()
                  .map(r -> discovery.unpublish(r.getRegistration()).map(1).otherwise(0)).toList())
              .map(all -> all.<Integer>list().stream().mapToInt(Integer::intValue).sum());
        })
        .andThen(ar -> cachedAt = 0);
  }

  @Override
  public Future<Integer> withdrawNode(String node) {
    cachedAt = 0;
    return discovery.getRecords(r -> TYPE.equals(r.getType()) && r.getMetadata() != null
            && node.equals(r.getMetadata().getString("node")))
        .compose(records -> Future.join(records.stream()
                .map(r -> discovery.unpublish(r.getRegistration()).map(1).otherwise(0)).toList())
            .map(all -> all.<Integer>list().stream().mapToInt(Integer::intValue).sum()))
        .andThen(ar -> cachedAt = 0);
  }

  @Override
  public Future<List<ServiceRecord>> lookup(String name, String version) {
    return all().map(records -> records.stream()
        .filter(r -> r.name().equals(name) && (version == null || version.equals(r.version())))
        .toList());
  }

  private synchronized Future<List<ServiceRecord>> all() {
    long now = System.currentTimeMillis();
    if (now - cachedAt < CACHE_MILLIS) {
      return Future.succeededFuture(cached);
    }
    if (refreshing == null) {
      refreshing = discovery.getRecords(r -> TYPE.equals(r.getType()) && r.getStatus() == Status.UP)
          .map(records -> records.stream().map(VertxServiceCatalog::toRecord).filter(Objects::nonNull).toList())
          .andThen(ar -> {
            synchronized (this) {
              if (ar.succeeded()) {
                cached = ar.result();
                cachedAt = System.currentTimeMillis();
              }
              refreshing = null;
            }
          });
    }
    return refreshing;
  }

  private static ServiceRecord toRecord(Record r) {
    String address = r.getLocation() == null ? null : r.getLocation().getString("endpoint");
    if (address == null) {
      return null;
    }
    JsonObject meta = r.getMetadata() == null ? new JsonObject() : r.getMetadata();
    return new ServiceRecord(r.getName(), meta.getString("version"), meta.getString("zone"),
        meta.getString("node"), address);
  }

  @Override
  public void close() {
    discovery.close();
  }
}
