package dev.gantry.gateway.auth;

import dev.gantry.gateway.policy.NodeResources;
import dev.gantry.gateway.policy.Phase;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.PolicyType;
import dev.gantry.gateway.spec.SpecReader;
import java.util.Set;

/** Reads {@code - api-key: {header: X-Api-Key, optional: false}}. */
public final class ApiKeyType implements PolicyType<ApiKeyType.Config> {
  /** @param header the request header carrying the key; @param optional whether a request without one passes on */
  public record Config(String header, boolean optional, String realm) {}

  @Override
  public String name() {
    return "api-key";
  }

  @Override
  public Phase phase() {
    return Phase.AUTHENTICATE;
  }

  @Override
  public Set<String> fields() {
    return Set.of("header", "optional", "realm");
  }

  @Override
  public Config read(SpecReader config) {
    String header = config.string("header", "X-Api-Key");
    if (!header.matches("[A-Za-z0-9-]{1,64}")) {
      throw SpecReader.invalid(config.path("header"), "not a header name: " + header);
    }
    return new Config(header, config.bool("optional", false), config.string("realm", "gantry"));
  }

  @Override
  public ApiKeyPolicy create(Config config, PolicyRuntime runtime) {
    return new ApiKeyPolicy(config, runtime, store(runtime.node()));
  }

  /** The node's key store, or null when there is no Postgres to keep keys in. */
  public static ApiKeyStore store(NodeResources node) {
    return node.running() && node.pg() != null
        ? node.keep(ApiKeyStore.class.getName(), () -> new ApiKeyStore(node.vertx(), node.pg())) : null;
  }
}
