package dev.gantry.gateway.cache;

import dev.gantry.gateway.policy.Phase;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.PolicyType;
import dev.gantry.gateway.spec.SpecReader;
import java.util.Set;

/** Reads {@code - cache: {max-object-bytes: 1048576, memory-bytes: 67108864, default-ttl-seconds: 0, shared: none|redis}}. */
public final class CacheType implements PolicyType<CacheConfig> {
  @Override
  public String name() {
    return "cache";
  }

  @Override
  public Phase phase() {
    return Phase.CACHE;
  }

  @Override
  public Set<String> fields() {
    return Set.of("max-object-bytes", "memory-bytes", "default-ttl-seconds", "shared");
  }

  @Override
  public CacheConfig read(SpecReader config) {
    long object = config.integer("max-object-bytes", 1 << 20, 1, 64L << 20);
    long memory = config.integer("memory-bytes", 64L << 20, 1 << 16, 16L << 30);
    if (object > memory) {
      throw SpecReader.invalid(config.path("max-object-bytes"), "must not exceed memory-bytes (" + memory + ")");
    }
    String shared = config.string("shared", "none");
    if (!shared.equals("none") && !shared.equals("redis")) {
      throw SpecReader.invalid(config.path("shared"), "must be none or redis");
    }
    return new CacheConfig(object, memory, config.integer("default-ttl-seconds", 0, 0, 31_536_000),
        shared.equals("redis"));
  }

  @Override
  public CachePolicy create(CacheConfig config, PolicyRuntime runtime) {
    return new CachePolicy(config, runtime);
  }
}
