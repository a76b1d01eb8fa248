package dev.gantry.gateway.traffic;

/**
 * The {@code quota} policy's settings: at most {@code limit} requests per calendar period per key.
 *
 * @param name what the {@code RateLimit} headers call it
 */
public record QuotaConfig(String name, long limit, QuotaPeriod period, LimitKey key, StoreSettings store) {}
