package dev.gantry.discovery;

import io.vertx.core.json.JsonObject;

/** One running instance of a service: what it is, where it runs, and the address it listens on. */
public record ServiceRecord(String name, String version, String zone, String node, String address) {
  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("version", version).put("zone", zone)
        .put("node", node).put("address", address);
  }
}
