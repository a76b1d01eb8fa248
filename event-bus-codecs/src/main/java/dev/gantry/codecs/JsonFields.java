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
