package dev.gantry.codecs.graphql;

import dev.gantry.codecs.JsonFields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One service instance's part of the cluster's GraphQL schema: the SDL it contributes (types it
 * owns, and {@code extend type} for fields it adds to another service's type) and how each of
 * its fields is resolved. Kept in the cluster map {@link dev.gantry.codecs.SharedMaps#GRAPHQL_PARTS}
 * under {@link #id()} while the instance runs.
 *
 * @param publishedAt when the service first published it (epoch ms): of two parts that conflict,
 *                    the later is refused
 */
public record SchemaPart(String service, String node, String sdl, List<FieldBinding> fields, long publishedAt) {
  public SchemaPart {
    fields = List.copyOf(fields);
  }

  /** The map key: one part per service per node. */
  public String id() {
    return id(service, node);
  }

  public static String id(String service, String node) {
    return service + "@" + node;
  }

  public JsonObject toJson() {
    JsonArray bindings = new JsonArray();
    fields.forEach(f -> bindings.add(f.toJson()));
    return new JsonObject().put("service", service).put("node", node).put("sdl", sdl).put("fields", bindings)
        .put("publishedAt", publishedAt);
  }

  public static SchemaPart fromJson(JsonObject json) {
    JsonArray array = JsonFields.requireArray(json, "fields", "fields");
    List<FieldBinding> fields = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      fields.add(FieldBinding.fromJson(JsonFields.requireObject(array.getValue(i), "fields[" + i + "]"),
          "fields[" + i + "]"));
    }
    return new SchemaPart(JsonFields.requireString(json, "service", "service"),
        JsonFields.requireString(json, "node", "node"), JsonFields.requireString(json, "sdl", "sdl"), fields,
        JsonFields.requireLong(json, "publishedAt", "publishedAt"));
  }
}
