package dev.gantry.gateway.policy;

import dev.gantry.gateway.spec.SpecReader;

/** Reads {@code - limits: {max-uri-bytes: 2048, max-headers: 50, max-header-bytes: 8192}}. */
final class RequestLimitsType implements PolicyType<RequestLimits> {
  @Override
  public String name() {
    return "limits";
  }

  @Override
  public Phase phase() {
    return Phase.EDGE;
  }

  @Override
  public java.util.Set<String> fields() {
    return java.util.Set.of("max-uri-bytes", "max-headers", "max-header-bytes");
  }

  @Override
  public RequestLimits read(SpecReader config) {
    RequestLimits limits = new RequestLimits((int) config.integer("max-uri-bytes", -1, 1, 1 << 20),
        (int) config.integer("max-headers", -1, 1, 10_000), (int) config.integer("max-header-bytes", -1, 1, 1 << 20));
    if (limits.maxUriBytes() < 0 && limits.maxHeaders() < 0 && limits.maxHeaderBytes() < 0) {
      throw SpecReader.invalid(config.path(), "set at least one of max-uri-bytes, max-headers, max-header-bytes");
    }
    return limits;
  }

  @Override
  public RequestLimits create(RequestLimits config, PolicyRuntime runtime) {
    return config;
  }
}
