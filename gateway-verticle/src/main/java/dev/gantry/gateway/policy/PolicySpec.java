package dev.gantry.gateway.policy;

import io.vertx.core.json.JsonObject;

/**
 * One declared policy: its type and the configuration the type read.
 *
 * @param source the JSON it was read from ({@code {"<type>": {...}}}), served back unchanged
 */
public record PolicySpec(PolicyType<?> type, Object config, JsonObject source) {
  public Phase phase() {
    return type.phase();
  }

  /** Equal when the type has the same name and the configuration is equal (registries may differ). */
  @Override
  public boolean equals(Object other) {
    return other instanceof PolicySpec p && p.type.name().equals(type.name()) && p.config.equals(config)
        && p.source.equals(source);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(type.name(), config, source);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  Policy create(PolicyRuntime runtime) {
    return ((PolicyType) type).create(config, runtime);
  }
}
