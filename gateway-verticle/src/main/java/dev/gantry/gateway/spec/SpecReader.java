package dev.gantry.gateway.spec;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one JSON object of a spec, remembering which fields were read so that {@link #done()}
 * can refuse unknown ones. Every error names the field's full path.
 */
public final class SpecReader {
  private final JsonObject json;
  private final String path;
  private final Set<String> read = new HashSet<>();

  private SpecReader(JsonObject json, String path) {
    this.json = json;
    this.path = path;
  }

  public static SpecReader of(Object value, String path) {
    if (!(value instanceof JsonObject object)) {
      throw invalid(path, "must be an object");
    }
    return new SpecReader(object, path);
  }

  public static ServiceException invalid(String path, String what) {
    return new ServiceException(Failure.UNPROCESSABLE, path + ": " + what);
  }

  /** The object this reader reads, as it was written. */
  public JsonObject source() {
    return json;
  }

  /** This object's own path. */
  public String path() {
    return path;
  }

  public String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  public boolean has(String key) {
    return json.getValue(key) != null;
  }

  private Object value(String key) {
    read.add(key);
    return json.getValue(key);
  }

  public String string(String key) {
    Object v = value(key);
    if (v == null) {
      throw invalid(path(key), "is required");
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw invalid(path(key), "must be a non-empty string");
    }
    return s;
  }

  /** A name or id: letters, digits, '.', '_' and '-', at most 100, starting with a letter or digit. */
  public String name(String key) {
    String name = string(key);
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
      throw invalid(path(key), "letters, digits, '.', '_' and '-' only, at most 100");
    }
    return name;
  }

  public String string(String key, String fallback) {
    return value(key) == null ? fallback : string(key);
  }

  public long integer(String key, long fallback, long min, long max) {
    Object v = value(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Integer || v instanceof Long)) {
      throw invalid(path(key), "must be an integer");
    }
    long n = ((Number) v).longValue();
    if (n < min || n > max) {
      throw invalid(path(key), "must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  public boolean bool(String key, boolean fallback) {
    Object v = value(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Boolean b)) {
      throw invalid(path(key), "must be true or false");
    }
    return b;
  }

  public List<String> strings(String key) {
    Object v = value(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray array)) {
      throw invalid(path(key), "must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String s)) {
        throw invalid(path(key) + "[" + i + "]", "must be a string");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  public List<Integer> ints(String key, int min, int max) {
    Object v = value(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray array)) {
      throw invalid(path(key), "must be a list of integers");
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof Integer n) || n < min || n > max) {
        throw invalid(path(key) + "[" + i + "]", "must be an integer from " + min + " to " + max);
      }
      out.add(n);
    }
    return List.copyOf(out);
  }

  public Map<String, String> stringMap(String key) {
    Object v = value(key);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof JsonObject object)) {
      throw invalid(path(key), "must be a map of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : object) {
      if (!(e.getValue() instanceof String || e.getValue() instanceof Number || e.getValue() instanceof Boolean)) {
        throw invalid(path(key) + "." + e.getKey(), "must be a string");
      }
      out.put(e.getKey(), String.valueOf(e.getValue()));
    }
    return out;
  }

  /** The value at {@code key} as it is (marked read), for a reader of its own; null when absent. */
  public Object raw(String key) {
    return value(key);
  }

  /** The nested object at {@code key}, or null when absent. */
  public SpecReader object(String key) {
    Object v = value(key);
    return v == null ? null : of(v, path(key));
  }

  public List<SpecReader> objects(String key) {
    Object v = value(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray array)) {
      throw invalid(path(key), "must be a list");
    }
    List<SpecReader> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      out.add(of(array.getValue(i), path(key) + "[" + i + "]"));
    }
    return out;
  }

  /**
   * Refuses, before anything else is read, a field not among {@code known}, suggesting the known
   * one it most resembles: a typo ({@code upstrem:}) is named as itself, not as the field it
   * leaves missing.
   */
  public void only(Set<String> known) {
    for (String key : json.fieldNames()) {
      if (!known.contains(key)) {
        String closest = null;
        int best = 3; // at most two edits away
        for (String k : known) {
          int d = distance(key, k);
          if (d < best) {
            best = d;
            closest = k;
          }
        }
        throw invalid(path(key), "unknown field" + (closest == null ? "" : " (did you mean " + closest + "?)"));
      }
    }
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /** Refuses fields nobody read: a typo must not silently change behaviour. */
  public void done() {
    for (String key : json.fieldNames()) {
      if (!read.contains(key)) {
        throw invalid(path(key), "unknown field");
      }
    }
  }
}
