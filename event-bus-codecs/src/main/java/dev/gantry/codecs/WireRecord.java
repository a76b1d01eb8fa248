package dev.gantry.codecs;

import io.vertx.core.json.JsonObject;

/** A message record that crosses node boundaries in its JSON form. Records are immutable. */
public interface WireRecord {
  JsonObject toJson();
}
