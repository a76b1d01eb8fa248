package dev.gantry.gateway.spec;

import java.util.List;
import java.util.Map;

/** Header changes, applied in the order remove, rename, add (add replaces an existing value). */
public record HeaderOps(Map<String, String> add, List<String> remove, Map<String, String> rename) {
  public static final HeaderOps NONE = new HeaderOps(Map.of(), List.of(), Map.of());

  static HeaderOps read(SpecReader r) {
    if (r == null) {
      return NONE;
    }
    HeaderOps ops = new HeaderOps(r.stringMap("add"), r.strings("remove"), r.stringMap("rename"));
    r.done();
    return ops;
  }

  public boolean isEmpty() {
    return add.isEmpty() && remove.isEmpty() && rename.isEmpty();
  }
}
