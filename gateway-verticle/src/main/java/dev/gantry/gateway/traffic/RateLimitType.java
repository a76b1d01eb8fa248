package dev.gantry.gateway.traffic;

import dev.gantry.gateway.policy.Phase;
import dev.gantry.gateway.policy.Policy;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.PolicyType;
import dev.gantry.gateway.policy.Refusals;
import dev.gantry.gateway.spec.SpecReader;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code - rate-limit: {limit: 100, window: 1m, key: client-ip, store: redis,
 * on-store-failure: allow-local, store-timeout: 250ms}}, or several limits checked together:
 * {@code limits: [{limit: 10, window: 1s, name: burst}, {limit: 1000, window: 1h, name: hourly}]}.
 * A request is admitted only when every limit admits it, and then counts in all of them.
 */
public final class RateLimitType implements PolicyType<RateLimitConfig> {
  static final int MAX_LIMITS = 8;
  private static final List<LimitKey.Kind> KINDS = List.of(LimitKey.Kind.values());
  private final Clock clock;

  public RateLimitType() {
    this(Clock.systemUTC());
  }

  /** @param clock where windows' instants come from (tests move it) */
  public RateLimitType(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "rate-limit";
  }

  @Override
  public Phase phase() {
    return Phase.LIMIT;
  }

  @Override
  public Set<String> fields() {
    return Set.of("limit", "window", "name", "limits", "key", "store", "on-store-failure", "store-timeout", "burst");
  }

  @Override
  public RateLimitConfig read(SpecReader config) {
    if (config.has("burst")) {
      throw SpecReader.invalid(config.path("burst"), "not supported: a sliding window admits at most limit per "
          + "window at any time; cap bursts with a shorter window in limits, such as {limit: 10, window: 1s}");
    }
    List<Rate> rates = new ArrayList<>();
    if (config.has("limits")) {
      if (config.has("limit") || config.has("window") || config.has("name")) {
        throw SpecReader.invalid(config.path("limits"), "give either limit and window, or limits, not both");
      }
      List<SpecReader> items = config.objects("limits");
      if (items.isEmpty() || items.size() > MAX_LIMITS) {
        throw SpecReader.invalid(config.path("limits"), "must hold 1 to " + MAX_LIMITS + " limits");
      }
      Set<String> names = new HashSet<>();
      Set<Long> windows = new HashSet<>();
      for (SpecReader item : items) {
        item.only(Set.of("limit", "window", "name"));
        Rate rate = Rate.read(item, item.has("window") ? item.source().getValue("window").toString() : "default");
        item.done();
        if (!names.add(rate.name())) {
          throw SpecReader.invalid(item.path("name"), "another limit is named " + rate.name());
        }
        if (!windows.add(rate.windowMillis())) {
          throw SpecReader.invalid(item.path("window"), "another limit has this window; keep the lower limit");
        }
        rates.add(rate);
      }
    } else {
      rates.add(Rate.read(config, "default"));
    }
    LimitKey key = LimitKey.read(config, LimitKey.Kind.CLIENT_IP.text(), KINDS);
    String store = config.string("store", "redis");
    if (!store.equals("redis") && !store.equals("local")) {
      throw SpecReader.invalid(config.path("store"), "must be redis or local, got " + store);
    }
    boolean shared = store.equals("redis");
    if (!shared && (config.has("on-store-failure") || config.has("store-timeout"))) {
      throw SpecReader.invalid(config.path(config.has("on-store-failure") ? "on-store-failure" : "store-timeout"),
          "only for store: redis");
    }
    return new RateLimitConfig(rates, key, shared, StoreSettings.read(config));
  }

  @Override
  public Policy create(RateLimitConfig config, PolicyRuntime runtime) {
    Limiter limiter = config.shared() ? NodeLimiters.shared(config.store(), runtime) : NodeLimiters.local(runtime);
    List<Window.Sliding> rates = config.rates().stream()
        .map(r -> new Window.Sliding(r.name(), r.limit(), r.windowMillis())).toList();
    LimitPolicy.Subjects subjects = new LimitPolicy.Subjects("rl|");
    return new LimitPolicy(name(), exchange -> {
      long now = clock.millis();
      List<Window> windows = new ArrayList<>(rates.size());
      for (Window.Sliding r : rates) {
        windows.add(r.at(now));
      }
      // The route is part of the subject: two routes never share a counter.
      return new LimitPolicy.Plan(subjects.of(exchange.routeId(), config.key().of(exchange)), windows);
    }, limiter, Refusals.of(runtime));
  }
}
