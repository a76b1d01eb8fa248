package dev.gantry.gateway.upstream;

import dev.gantry.gateway.spec.UpstreamSpec;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.LongAdder;

/**
 * One target of a pool with its live state. Passive outlier ejection: after N consecutive
 * failures the target leaves rotation for a time that doubles with each repeated ejection.
 * Shared by the gateway's event loops: the in-flight count is atomic, the health and ejection
 * state changes under the endpoint's lock and is read without it.
 */
public final class Endpoint {
  private final UpstreamSpec.Target target;
  private final UpstreamSpec.Transport transport;
  /**
   * Requests in flight. Every request counts up and down: a LongAdder gives each event loop its
   * own cell once they meet, where one atomic would pass its cache line between cores each time.
   */
  private final LongAdder active = new LongAdder();
  private volatile boolean healthy = true;
  private int healthStreak;
  private volatile int consecutiveFailures;
  private volatile int ejections;
  private int successesSinceReturn;
  private volatile long ejectedUntil;
  long roundRobinWeight; // guarded by the RoundRobin balancer's lock

  Endpoint(UpstreamSpec.Target target) {
    this(target, UpstreamSpec.Transport.PLAIN);
  }

  Endpoint(UpstreamSpec.Target target, UpstreamSpec.Transport transport) {
    this.target = target;
    this.transport = transport;
  }

  /** How its pool speaks to it (protocol, TLS). */
  public UpstreamSpec.Transport transport() {
    return transport;
  }

  public UpstreamSpec.Target target() {
    return target;
  }

  public String host() {
    return target.host();
  }

  public int port() {
    return target.port();
  }

  public int weight() {
    return target.weight();
  }

  public String zone() {
    return target.zone();
  }

  public int active() {
    return active.intValue();
  }

  public void begin() {
    active.increment();
  }

  public void end() {
    active.decrement();
  }

  /** As {@link #available(long)} now, reading the clock only for a target that was ever ejected. */
  boolean availableNow() {
    if (!healthy) {
      return false;
    }
    long until = ejectedUntil;
    return until == 0 || System.currentTimeMillis() >= until;
  }

  /** Healthy by active checks and not ejected by passive ones. */
  public boolean available(long now) {
    return healthy && now >= ejectedUntil;
  }

  boolean ejected(long now) {
    return now < ejectedUntil;
  }

  void succeeded() {
    if (consecutiveFailures == 0 && ejections == 0) {
      return; // the common case: nothing to reset, no lock taken
    }
    synchronized (this) {
      consecutiveFailures = 0;
      if (ejections > 0 && ++successesSinceReturn >= 20) {
        ejections = 0;
      }
    }
  }

  /** Counts a failure; returns true when it ejects the target. */
  synchronized boolean failed(long now, UpstreamSpec.Outlier outlier, boolean mayEject) {
    consecutiveFailures++;
    if (consecutiveFailures < outlier.consecutiveFailures() || !mayEject || ejected(now)) {
      return false;
    }
    long time = Math.min(outlier.maxEjectionMillis(), outlier.baseEjectionMillis() << Math.min(ejections, 20));
    ejectedUntil = now + time;
    ejections++;
    successesSinceReturn = 0;
    consecutiveFailures = 0;
    return true;
  }

  /** Records an active health-check result; returns true when health flipped. */
  synchronized boolean checked(boolean ok, UpstreamSpec.HealthCheck spec) {
    healthStreak = ok ? Math.max(1, healthStreak + 1) : Math.min(-1, healthStreak - 1);
    if (!healthy && healthStreak >= spec.healthyThreshold()) {
      healthy = true;
      ejectedUntil = 0;
      return true;
    }
    if (healthy && -healthStreak >= spec.unhealthyThreshold()) {
      healthy = false;
      return true;
    }
    return false;
  }

  public synchronized JsonObject status(long now) {
    return new JsonObject().put("address", target.address()).put("zone", target.zone())
        .put("weight", target.weight()).put("healthy", healthy).put("ejected", ejected(now))
        .put("ejections", ejections).put("active", active.intValue());
  }
}
