package dev.gantry.gateway.traffic;

import dev.gantry.gateway.policy.Phase;
import dev.gantry.gateway.policy.Policy;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.PolicyType;
import dev.gantry.gateway.policy.Refusals;
import dev.gantry.gateway.spec.SpecReader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code - quota: {limit: 10000, period: day|month, key: consumer, on-store-failure:
 * allow-local}}. Counters are in the cluster's Redis, one per key and UTC calendar period (the
 * period is part of the counter's name; it expires a second after the period ends), so they
 * survive restarts; while Redis cannot decide, {@code on-store-failure} applies as for
 * {@code rate-limit}.
 */
public final class QuotaType implements PolicyType<QuotaConfig> {
  private static final List<LimitKey.Kind> KINDS = List.of(LimitKey.Kind.CONSUMER, LimitKey.Kind.PRINCIPAL,
      LimitKey.Kind.API_KEY, LimitKey.Kind.CLIENT_IP);
  private final Clock clock;

  public QuotaType() {
    this(Clock.systemUTC());
  }

  /** @param clock which period it is (tests move it to the next day or month) */
  public QuotaType(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "quota";
  }

  @Override
  public Phase phase() {
    return Phase.LIMIT;
  }

  @Override
  public Set<String> fields() {
    return Set.of("limit", "period", "key", "name", "on-store-failure", "store-timeout");
  }

  @Override
  public QuotaConfig read(SpecReader config) {
    long limit = config.integer("limit", -1, 1, Rate.MAX_LIMIT);
    if (limit < 0) {
      throw SpecReader.invalid(config.path("limit"), "is required");
    }
    String periodText = config.string("period");
    QuotaPeriod period = null;
    for (QuotaPeriod p : QuotaPeriod.values()) {
      if (p.text().equals(periodText)) {
        period = p;
      }
    }
    if (period == null) {
      throw SpecReader.invalid(config.path("period"), "must be day or month, got " + periodText);
    }
    String name = config.has("name") ? config.name("name") : "quota";
    return new QuotaConfig(name, limit, period, LimitKey.read(config, LimitKey.Kind.CONSUMER.text(), KINDS),
        StoreSettings.read(config));
  }

  @Override
  public Policy create(QuotaConfig config, PolicyRuntime runtime) {
    LimitPolicy.Subjects subjects = new LimitPolicy.Subjects("quota|");
    return new LimitPolicy(name(), exchange -> {
      ZonedDateTime now = ZonedDateTime.ofInstant(Instant.ofEpochMilli(clock.millis()), ZoneOffset.UTC);
      ZonedDateTime start = config.period().start(now);
      long length = config.period().end(start).toInstant().toEpochMilli() - start.toInstant().toEpochMilli();
      Window window = Window.fixed(config.name(), config.limit(), config.period().id(start), length,
          now.toInstant().toEpochMilli() - start.toInstant().toEpochMilli());
      return new LimitPolicy.Plan(subjects.of(exchange.routeId(), config.key().of(exchange)), List.of(window));
    }, NodeLimiters.shared(config.store(), runtime), Refusals.of(runtime));
  }
}
