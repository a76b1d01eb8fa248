package dev.gantry.gateway.graphql;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON from services as plain maps and lists (what graphql-java's default field fetching reads), and back. */
final class Plain {
  private Plain() {}

  static Object of(Object json) {
    if (json instanceof JsonObject o) {
      Map<String, Object> map = new LinkedHashMap<>(o.size() * 2);
      o.forEach(e -> map.put(e.getKey(), of(e.getValue())));
      return map;
    }
    if (json instanceof JsonArray a) {
      List<Object> list = new ArrayList<>(a.size());
      a.forEach(v -> list.add(of(v)));
      return list;
    }
    return json;
  }

  /** A parent object (a map from a service, or from graphql-java's arguments) as JSON for a service. */
  static JsonObject json(Object source) {
    if (source instanceof Map<?, ?> map) {
      JsonObject json = new JsonObject();
      map.forEach((k, v) -> json.put(String.valueOf(k), jsonValue(v)));
      return json;
    }
    return null;
  }

  private static Object jsonValue(Object value) {
    if (value instanceof Map<?, ?>) {
      return json(value);
    }
    if (value instanceof List<?> list) {
      JsonArray array = new JsonArray();
      list.forEach(v -> array.add(jsonValue(v)));
      return array;
    }
    return value;
  }
}
