package dev.gantry.codecs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Typed reads of JSON fields that fail with a {@link ServiceException} naming the field: a
 * missing or wrong-typed field is a bad request (400).
 */
public final class JsonFields {
  private JsonFields() {}

  public static long requireLong(JsonObject json, String key, String path) {
    Object value = json.getValue(key);
    if (value == null) {
      throw missing(path);
    }
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    throw wrongType(path, "an integer", value);
  }

  public static int requireInt(JsonObject json, String key, String path) {
    long value = requireLong(json, key, path);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new ServiceException(Failure.UNPROCESSABLE, path + ": out of range: " + value);
    }
    return (int) value;
  }

  public static String requireString(JsonObject json, String key, String path) {
    Object value = json.getValue(key);
    if (value == null) {
      throw missing(path);
    }
    if (value instanceof String s) {
      return s;
    }
    throw wrongType(path, "a string", value);
  }

  public static String optionalString(JsonObject json, String key, String path) {
    return json.getValue(key) == null ? null : requireString(json, key, path);
  }

  public static JsonArray requireArray(JsonObject json, String key, String path) {
    Object value = json.getValue(key);
    if (value == null) {
      throw missing(path);
    }
    if (value instanceof JsonArray a) {
      return a;
    }
    throw wrongType(path, "an array", value);
  }

  public static JsonObject requireObject(Object value, String path) {
    if (value == null) {
      throw missing(path);
    }
    if (value instanceof JsonObject o) {
      return o;
    }
    throw wrongType(path, "an object", value);
  }

  /**
   * An optional object of header-like values (absent: empty), in its order. A number or boolean
   * is taken as its text, as bridge clients write {@code "X-Count": 3}; null, an object or an
   * array names the field.
   */
  public static java.util.Map<String, String> optionalStringMap(JsonObject json, String key, String path) {
    Object value = json.getValue(key);
    java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
    if (value == null) {
      return map;
    }
    for (java.util.Map.Entry<String, Object> e : requireObject(value, path)) {
      Object v = e.getValue();
      if (v == null) {
        throw new ServiceException(Failure.BAD_REQUEST, path + "." + e.getKey() + ": must be a string, got null");
      }
      if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
        throw wrongType(path + "." + e.getKey(), "a string", v);
      }
      map.put(e.getKey(), String.valueOf(v));
    }
    return map;
  }

  /** Optional base64 bytes (absent: none); text that is not base64 names the field. */
  public static byte[] optionalBase64(JsonObject json, String key, String path) {
    String text = optionalString(json, key, path);
    if (text == null) {
      return new byte[0];
    }
    try {
      return java.util.Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new ServiceException(Failure.BAD_REQUEST, path + ": not base64 (" + e.getMessage() + ")");
    }
  }

  private static ServiceException missing(String path) {
    return new ServiceException(Failure.BAD_REQUEST, path + ": is required");
  }

  private static ServiceException wrongType(String path, String expected, Object value) {
    String actual = value instanceof String ? "a string"
        : value instanceof Number ? "a number"
        : value instanceof Boolean ? "a boolean"
        : value instanceof JsonArray ? "an array"
        : value instanceof JsonObject ? "an object" : value.getClass().getSimpleName();
    return new ServiceException(Failure.BAD_REQUEST, path + ": must be " + expected + ", got " + actual);
  }

  /**
   * A request body that must be one JSON object; a missing, malformed or non-object body is a bad
   * request naming what is wrong (Jackson's position, without its wrapper text).
   */
  public static JsonObject bodyObject(io.vertx.core.buffer.Buffer body) {
    if (body == null || body.length() == 0) {
      throw new ServiceException(Failure.BAD_REQUEST, "body: a JSON object is required");
    }
    Object value;
    try {
      value = body.toJsonValue();
    } catch (io.vertx.core.json.DecodeException e) {
      String why = String.valueOf(e.getMessage()).replaceFirst("^Failed to decode:\\s*", "")
          .replaceAll("\\[Source: [^;]*; ", "[").replaceAll("\\s+", " ");
      throw new ServiceException(Failure.BAD_REQUEST, "body: malformed JSON: " + why);
    }
    if (!(value instanceof JsonObject json)) {
      throw new ServiceException(Failure.BAD_REQUEST, "body: must be a JSON object");
    }
    return json;
  }
}
