package dev.gantry.analytics.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Where a model stands: its last good build (when, how — {@code full} or {@code incremental} —,
 * up to which raw event ({@code seq}, arrival order), how many rows, how long it took) and its last error, if the latest
 * attempt failed (the last good table is then still what queries read).
 */
public record ModelStatus(String name, String materialized, Instant builtAt, String mode, long lastSeq,
    Long rows, long durationMillis, String lastError, Instant lastErrorAt) {

  public boolean failing() {
    return lastError != null;
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("materialized", materialized)
        .put("builtAt", builtAt == null ? null : builtAt.toString()).put("mode", mode)
        .put("lastSeq", lastSeq).put("rows", rows).put("durationMs", durationMillis)
        .put("lastError", lastError).put("lastErrorAt", lastErrorAt == null ? null : lastErrorAt.toString());
  }
}
