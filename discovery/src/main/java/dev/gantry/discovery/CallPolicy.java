package dev.gantry.discovery;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which identities may call which services: the mesh's call policy, one for the whole cluster
 * (the route file's {@code mesh:} section, changed through the admin API). An identity is a
 * service's name, {@code gateway} for the gateway, {@code bridge} for a bridge client that runs no
 * service; {@code *} in a rule stands for any. A call no rule allows is refused when the default
 * is {@code deny}. Also carries how strongly service calls stay in the caller's zone.
 *
 * <pre>
 * mesh:
 *   default: deny                  # allow (default) | deny
 *   allow:
 *     - {from: gateway, to: [catalog, inventory, orders]}
 *     - {from: pricing, to: [catalog]}
 *   zone-min-healthy-percent: 50   # stay in the caller's zone while this share of its instances is there
 * </pre>
 */
public record CallPolicy(boolean defaultAllow, Map<String, Set<String>> allow, int zoneMinHealthyPercent) {
  public static final CallPolicy OPEN = new CallPolicy(true, Map.of(), 50);
  public static final String ANY = "*";
  private static final Pattern IDENTITY = Pattern.compile("^(\\*|[a-z0-9][a-z0-9-]{0,62})$");

  public CallPolicy {
    Map<String, Set<String>> copy = new LinkedHashMap<>();
    allow.forEach((k, v) -> copy.put(k, Set.copyOf(v)));
    allow = java.util.Collections.unmodifiableMap(copy);
  }

  /** Null when {@code caller} may call {@code service}; else the reason, for the 403's detail. */
  public String refuse(String caller, String service) {
    String who = caller == null ? "anonymous" : caller;
    if (allows(who, service)) {
      return null;
    }
    return defaultAllow ? null : "the mesh policy does not allow " + who + " to call " + service;
  }

  private boolean allows(String caller, String service) {
    for (String from : List.of(caller, ANY)) {
      Set<String> to = allow.get(from);
      if (to != null && (to.contains(service) || to.contains(ANY))) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code identity} appears in a rule (bounds the label values of the denial counter). */
  public boolean names(String identity) {
    return allow.containsKey(identity) || allow.values().stream().anyMatch(s -> s.contains(identity));
  }

  /**
   * Reads a {@code mesh:} section; errors name the field ({@code mesh.allow[1].to: ...}).
   *
   * @throws IllegalArgumentException naming what was wrong
   */
  public static CallPolicy fromJson(JsonObject json, String path) {
    if (json == null) {
      return OPEN;
    }
    for (String field : json.fieldNames()) {
      if (!Set.of("default", "allow", "zone-min-healthy-percent").contains(field)) {
        throw new IllegalArgumentException(path + "." + field + ": unknown field (known: default, allow, zone-min-healthy-percent)");
      }
    }
    Object def = json.getValue("default", "allow");
    if (!"allow".equals(def) && !"deny".equals(def)) {
      throw new IllegalArgumentException(path + ".default: expected allow or deny, got " + def);
    }
    Object pct = json.getValue("zone-min-healthy-percent", 50);
    if (!(pct instanceof Integer p) || p < 0 || p > 100) {
      throw new IllegalArgumentException(path + ".zone-min-healthy-percent: expected an integer from 0 to 100, got " + pct);
    }
    Object rules = json.getValue("allow", new JsonArray());
    if (!(rules instanceof JsonArray list)) {
      throw new IllegalArgumentException(path + ".allow: expected a list of {from, to}");
    }
    Map<String, Set<String>> allow = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String at = path + ".allow[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject rule)) {
        throw new IllegalArgumentException(at + ": expected {from: identity, to: [service, ...]}");
      }
      for (String field : rule.fieldNames()) {
        if (!Set.of("from", "to").contains(field)) {
          throw new IllegalArgumentException(at + "." + field + ": unknown field (known: from, to)");
        }
      }
      String from = identity(rule.getValue("from"), at + ".from");
      Object to = rule.getValue("to");
      List<Object> targets = to instanceof JsonArray a ? a.getList() : to == null ? List.of() : List.of(to);
      if (targets.isEmpty()) {
        throw new IllegalArgumentException(at + ".to: expected a service name or a list of them");
      }
      Set<String> names = allow.computeIfAbsent(from, k -> new LinkedHashSet<>());
      for (int j = 0; j < targets.size(); j++) {
        names.add(identity(targets.get(j), at + ".to[" + j + "]"));
      }
    }
    return new CallPolicy("allow".equals(def), allow, (Integer) pct);
  }

  private static String identity(Object value, String path) {
    if (!(value instanceof String s) || !IDENTITY.matcher(s).matches()) {
      throw new IllegalArgumentException(path + ": expected a service name (a-z, 0-9, -) or *, got " + value);
    }
    return s;
  }

  public JsonObject toJson() {
    JsonArray rules = new JsonArray();
    allow.forEach((from, to) -> rules.add(new JsonObject().put("from", from).put("to", new JsonArray(new ArrayList<>(to)))));
    return new JsonObject().put("default", defaultAllow ? "allow" : "deny").put("allow", rules)
        .put("zone-min-healthy-percent", zoneMinHealthyPercent);
  }
}
