package dev.gantry.gateway.traffic;

import dev.gantry.gateway.spec.SpecReader;

/**
 * How a limit uses the shared store: what it does while Redis cannot decide, and how long one
 * decision may wait for Redis before that counts as not deciding.
 */
record StoreSettings(StoreFailureMode onFailure, long timeoutMillis) {
  static final long DEFAULT_TIMEOUT_MILLIS = 250;

  static StoreSettings read(SpecReader config) {
    String mode = config.string("on-store-failure", StoreFailureMode.ALLOW_LOCAL.text());
    StoreFailureMode onFailure = null;
    for (StoreFailureMode m : StoreFailureMode.values()) {
      if (m.text().equals(mode)) {
        onFailure = m;
      }
    }
    if (onFailure == null) {
      throw SpecReader.invalid(config.path("on-store-failure"), "must be allow-local or deny, got " + mode);
    }
    long timeout = DEFAULT_TIMEOUT_MILLIS;
    if (config.has("store-timeout")) {
      String text = config.string("store-timeout");
      timeout = Rate.duration(text, config.path("store-timeout"));
      if (timeout > 10_000) {
        throw SpecReader.invalid(config.path("store-timeout"), "must be at most 10s, got " + text);
      }
    }
    return new StoreSettings(onFailure, timeout);
  }
}
