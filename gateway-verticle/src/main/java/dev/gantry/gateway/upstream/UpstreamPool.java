package dev.gantry.gateway.upstream;

import dev.gantry.gateway.spec.UpstreamSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool at run time. Choice: endpoints that are healthy, not ejected and not yet tried by this
 * request; of those, the local zone's while at least {@code zone-min-healthy-percent} of the local
 * zone is available, else every zone's; if nothing is available at all, every untried endpoint
 * (a pool with all targets down still tries rather than refuses). Shared by the gateway's event
 * loops; an ejection decision is taken under the pool's lock.
 */
public final class UpstreamPool {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamPool.class);
  private final UpstreamSpec spec;
  private final String localZone;
  private final List<Endpoint> endpoints;
  private final Balancer balancer;
  /** Every target is in the local zone (so the zone rule never narrows the choice). */
  private final boolean allLocal;
  private volatile long ejectionsTotal;

  public UpstreamPool(UpstreamSpec spec, String localZone) {
    this.spec = spec;
    this.localZone = localZone;
    this.endpoints = spec.targets().stream().map(t -> new Endpoint(t, spec.transport())).toList();
    this.balancer = Balancer.of(spec.algorithm(), endpoints);
    this.allLocal = endpoints.stream().allMatch(e -> e.zone().equals(localZone));
  }

  public UpstreamSpec spec() {
    return spec;
  }

  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /** An endpoint for a request; {@code tried} holds those this request already used. */
  public Endpoint choose(String hashKey, Collection<Endpoint> tried) {
    if (tried.isEmpty() && allLocal && allAvailable()) {
      return balancer.pick(endpoints, hashKey); // the usual case, without building candidate lists
    }
    long now = System.currentTimeMillis();
    List<Endpoint> available = new ArrayList<>(endpoints.size());
    int localTotal = 0;
    int localAvailable = 0;
    for (Endpoint e : endpoints) {
      boolean local = e.zone().equals(localZone);
      boolean up = e.available(now);
      if (local) {
        localTotal++;
        localAvailable += up ? 1 : 0;
      }
      if (up && !tried.contains(e)) {
        available.add(e);
      }
    }
    List<Endpoint> candidates = available;
    if (localAvailable > 0 && localAvailable * 100 >= spec.zoneMinHealthyPercent() * localTotal) {
      List<Endpoint> local = available.stream().filter(e -> e.zone().equals(localZone)).toList();
      if (!local.isEmpty()) {
        candidates = local;
      }
    }
    if (candidates.isEmpty()) {
      candidates = endpoints.stream().filter(e -> !tried.contains(e)).toList();
      if (candidates.isEmpty()) {
        return null;
      }
    }
    return balancer.pick(candidates, hashKey);
  }

  private boolean allAvailable() {
    for (Endpoint e : endpoints) {
      if (!e.availableNow()) {
        return false;
      }
    }
    return true;
  }

  public void succeeded(Endpoint e) {
    e.succeeded();
  }

  /** A 5xx or connect failure of {@code e}: may eject it. */
  public synchronized void failed(Endpoint e) {
    long now = System.currentTimeMillis();
    long ejected = endpoints.stream().filter(x -> x.ejected(now)).count();
    boolean mayEject = (ejected + 1) * 100 <= (long) spec.outlier().maxEjectedPercent() * endpoints.size();
    if (e.failed(now, spec.outlier(), mayEject)) {
      ejectionsTotal++;
      LOG.warn("upstream {}: ejected {} after {} consecutive failures", spec.name(),
          e.target().address(), spec.outlier().consecutiveFailures());
    }
  }

  public long ejectionsTotal() {
    return ejectionsTotal;
  }

  public JsonObject status() {
    long now = System.currentTimeMillis();
    JsonArray targets = new JsonArray();
    endpoints.forEach(e -> targets.add(e.status(now)));
    return new JsonObject().put("name", spec.name())
        .put("algorithm", spec.algorithm().name().toLowerCase().replace('_', '-'))
        .put("targets", targets).put("ejections", ejectionsTotal);
  }
}
