package dev.gantry.gateway.security;

import dev.gantry.gateway.policy.Phase;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.PolicyType;
import dev.gantry.gateway.spec.SpecReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code - ddos: {per-ip-rps: 200, burst: 400, max-connections-per-ip: 64, allow: [...],
 * deny: [...], trusted-proxies: [...], max-tracked-ips: 100000}}.
 */
public final class DdosType implements PolicyType<DdosConfig> {
  @Override
  public String name() {
    return "ddos";
  }

  @Override
  public Phase phase() {
    return Phase.EDGE;
  }

  @Override
  public Set<String> fields() {
    return Set.of("per-ip-rps", "burst", "max-connections-per-ip", "allow", "deny", "trusted-proxies",
        "max-tracked-ips");
  }

  @Override
  public DdosConfig read(SpecReader config) {
    long rps = config.integer("per-ip-rps", 0, 1, 1_000_000);
    long burst = config.integer("burst", Math.max(1, rps), 1, 10_000_000);
    if (config.has("burst") && rps == 0) {
      throw SpecReader.invalid(config.path("burst"), "needs per-ip-rps");
    }
    return new DdosConfig(rps, (int) burst, (int) config.integer("max-connections-per-ip", 0, 1, 1_000_000),
        blocks(config, "allow"), blocks(config, "deny"), blocks(config, "trusted-proxies"),
        (int) config.integer("max-tracked-ips", 100_000, 16, 10_000_000));
  }

  private static List<Cidr> blocks(SpecReader config, String key) {
    boolean given = config.has(key);
    List<String> texts = config.strings(key);
    if (given && texts.isEmpty()) {
      // An empty allow list would read as "allow everyone": say what is meant by leaving it out.
      throw SpecReader.invalid(config.path(key), "must not be empty (leave it out for none)");
    }
    List<Cidr> out = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      Cidr block = Cidr.parse(texts.get(i));
      if (block == null) {
        throw SpecReader.invalid(config.path(key) + "[" + i + "]", "not an IP address or CIDR block: " + texts.get(i));
      }
      out.add(block);
    }
    return out;
  }

  @Override
  public DdosGuard create(DdosConfig config, PolicyRuntime runtime) {
    return new DdosGuard(config, runtime);
  }
}
