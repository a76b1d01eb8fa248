package dev.gantry.gateway.upstream;

import dev.gantry.gateway.spec.UpstreamSpec;
import io.vertx.core.json.JsonObject;

/**
 * One target of a pool with its live state. Passive outlier ejection: after N consecutive
 * failures the target leaves rotation for a time that doubles with each repeated ejection.
 */
public final class Endpoint {
  private final UpstreamSpec.Target target;
  private int active;
  private boolean healthy = true;
  private int healthStreak;
  private int consecutiveFailures;
  private int ejections;
  private int successesSinceReturn;
  private long ejectedUntil;
  long roundRobinWeight;

  Endpoint(UpstreamSpec.Target target) {
    this.target = target;
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
    return active;
  }

  public void begin() {
    active++;
  }

  public void end() {
    active--;
  }

  /** Healthy by active checks and not ejected by passive ones. */
  public boolean available(long now) {
    return healthy && now >= ejectedUntil;
  }

  boolean ejected(long now) {
    return now < ejectedUntil;
  }

  void succeeded() {
    consecutiveFailures = 0;
    if (ejections > 0 && ++successesSinceReturn >= 20) {
      ejections = 0;
    }
  }

  /** Counts a failure; returns true when it ejects the target. */
  boolean failed(long now, UpstreamSpec.Outlier outlier, boolean mayEject) {
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
  boolean checked(boolean ok, UpstreamSpec.HealthCheck spec) {
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

  public JsonObject status(long now) {
    return new JsonObject().put("address", target.address()).put("zone", target.zone())
        .put("weight", target.weight()).put("healthy", healthy).put("ejected", ejected(now))
        .put("ejections", ejections).put("active", active);
  }
}
