package dev.gantry.analytics.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The models, in an order where every model comes after those it refs. A ref to an unknown
 * model or a cycle is refused when the set is made, naming the models involved.
 */
public final class ModelSet {
  /** The reference models shipped in the jar, under {@code analytics/models/}. */
  public static final List<String> BUILT_IN = List.of("orders", "daily_revenue", "top_products_daily", "order_funnel");

  private final List<Model> ordered;

  public ModelSet(List<Model> models) {
    Map<String, Model> byName = new LinkedHashMap<>();
    for (Model m : models) {
      if (byName.put(m.name(), m) != null) {
        throw new IllegalArgumentException("model " + m.name() + ": defined twice");
      }
    }
    for (Model m : models) {
      for (String ref : m.refs()) {
        if (!byName.containsKey(ref)) {
          throw new IllegalArgumentException("model " + m.name() + ": ref('" + ref + "') names no model");
        }
      }
    }
    List<Model> out = new ArrayList<>();
    Set<String> done = new HashSet<>();
    for (Model m : models) {
      visit(m, byName, done, new ArrayList<>(), out);
    }
    this.ordered = List.copyOf(out);
  }

  private static void visit(Model m, Map<String, Model> byName, Set<String> done, List<String> path, List<Model> out) {
    if (done.contains(m.name())) {
      return;
    }
    if (path.contains(m.name())) {
      throw new IllegalArgumentException("models ref each other in a cycle: " + String.join(" → ", path) + " → " + m.name());
    }
    path.add(m.name());
    for (String ref : m.refs()) {
      visit(byName.get(ref), byName, done, path, out);
    }
    path.remove(path.size() - 1);
    done.add(m.name());
    out.add(m);
  }

  /** The built-in models, read from the class path (blocking). */
  public static ModelSet builtIn() {
    List<Model> models = new ArrayList<>();
    for (String name : BUILT_IN) {
      String path = "/analytics/models/" + name + ".sql";
      try (InputStream in = ModelSet.class.getResourceAsStream(path)) {
        if (in == null) {
          throw new IllegalStateException("model file " + path + " is missing from the class path");
        }
        models.add(Model.parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new ModelSet(models);
  }

  /** Dependencies first. */
  public List<Model> ordered() {
    return ordered;
  }

  public Optional<Model> find(String name) {
    return ordered.stream().filter(m -> m.name().equals(name)).findFirst();
  }
}
