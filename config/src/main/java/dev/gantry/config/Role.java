package dev.gantry.config;

/** What a node does. One jar, any mix of roles. */
public enum Role {
  GATEWAY("gateway"),
  SERVICES("services"),
  /** The warehouse: Kafka into an embedded DuckDB, SQL models, their queries. */
  ANALYTICS("analytics");

  private final String id;

  Role(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Role of(String id) {
    for (Role r : values()) {
      if (r.id.equals(id)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role " + id);
  }
}
