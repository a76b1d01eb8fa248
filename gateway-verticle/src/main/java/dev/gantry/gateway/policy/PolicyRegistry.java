package dev.gantry.gateway.policy;

import dev.gantry.gateway.spec.SpecReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policy types a gateway knows, by name, and the reader of {@code policies:} lists. Immutable:
 * {@link #with} makes a new registry.
 */
public final class PolicyRegistry {
  private final Map<String, PolicyType<?>> types;

  private PolicyRegistry(Map<String, PolicyType<?>> types) {
    this.types = Map.copyOf(types);
  }

  /** The types built into the gateway. */
  public static PolicyRegistry builtIn() {
    return new PolicyRegistry(Map.of()).with(new RequestLimitsType()).with(new dev.gantry.gateway.security.DdosType())
        .with(new dev.gantry.gateway.waf.WafType()).with(new dev.gantry.gateway.auth.JwtType())
        .with(new dev.gantry.gateway.auth.AuthorizeType()).with(new dev.gantry.gateway.auth.ApiKeyType())
        .with(new dev.gantry.gateway.auth.OidcType())
        .with(new dev.gantry.gateway.traffic.RateLimitType()).with(new dev.gantry.gateway.traffic.QuotaType())
        .with(new dev.gantry.gateway.cache.CacheType())
        .with(new dev.gantry.gateway.cache.CompressType());
  }

  public PolicyRegistry with(PolicyType<?> type) {
    Map<String, PolicyType<?>> next = new LinkedHashMap<>(types);
    if (next.putIfAbsent(type.name(), type) != null) {
      throw new IllegalArgumentException("policy type " + type.name() + " is registered twice");
    }
    return new PolicyRegistry(next);
  }

  /**
   * Reads a {@code policies:} list: each item names one type and holds its configuration
   * ({@code - limits: {max-uri-bytes: 2048}}). Errors name the path, such as
   * {@code routes[2].policies[0].limits.max-uri-bytes}.
   *
   * @param value       the list as read from JSON, or null for none
   * @param path        the list's path
   * @param gatewayWide whether the list runs before matching (only EDGE and ACCESS types may)
   * @return the policies in the order they run: by phase, then as listed
   */
  public List<PolicySpec> read(Object value, String path, boolean gatewayWide) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray list)) {
      throw SpecReader.invalid(path, "must be a list of policies");
    }
    List<PolicySpec> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = path + "[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject item) || item.size() != 1) {
        throw SpecReader.invalid(at, "must name one policy type, as in - limits: {...}");
      }
      String name = item.fieldNames().iterator().next();
      PolicyType<?> type = types.get(name);
      if (type == null) {
        throw SpecReader.invalid(at + "." + name, "unknown policy type (known: " + String.join(", ",
            types.keySet().stream().sorted().toList()) + ")");
      }
      if (gatewayWide && !type.phase().gatewayWide()) {
        throw SpecReader.invalid(at + "." + name, "a " + type.phase().name().toLowerCase() + " policy belongs on a route,"
            + " not gateway-wide");
      }
      Object config = item.getValue(name) == null ? new JsonObject() : item.getValue(name);
      SpecReader reader = SpecReader.of(config, at + "." + name);
      reader.only(type.fields());
      Object read = type.read(reader);
      reader.done();
      out.add(new PolicySpec(type, read, item.copy()));
    }
    out.sort(Comparator.comparing(PolicySpec::phase)); // stable: as listed within a phase
    return List.copyOf(out);
  }
}
