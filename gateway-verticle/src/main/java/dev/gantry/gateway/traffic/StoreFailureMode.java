package dev.gantry.gateway.traffic;

/** What a limit does while its shared store (Redis) cannot decide. */
public enum StoreFailureMode {
  /** Count on this node alone, against the limit divided by the number of gateway nodes. */
  ALLOW_LOCAL("allow-local"),
  /** Answer 503 with {@code Retry-After}. */
  DENY("deny");

  private final String text;

  StoreFailureMode(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }
}
