package dev.gantry.gateway.traffic;

import java.util.List;

/**
 * The {@code rate-limit} policy's settings.
 *
 * @param rates  the limits, all checked (and counted) together
 * @param key    whose requests count together
 * @param shared whether counters are in the cluster's Redis ({@code store: redis}) or this node's memory
 * @param store  how the shared store is used (ignored for a local one)
 */
public record RateLimitConfig(List<Rate> rates, LimitKey key, boolean shared, StoreSettings store) {
  public RateLimitConfig {
    rates = List.copyOf(rates);
  }
}
