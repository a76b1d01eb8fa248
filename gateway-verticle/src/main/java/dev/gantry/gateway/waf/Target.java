package dev.gantry.gateway.waf;

import java.util.Locale;

/**
 * Where a rule looks, as a rule file writes it: {@code args} (all of them), {@code args:q} (one),
 * {@code !args:password} (all but that one).
 *
 * @param name the one field meant, or null for the whole collection
 */
record Target(Collection collection, String name, boolean exclude) {
  /** Reads {@code [!]collection[:name]}; null when the collection is unknown. */
  static Target parse(String text) {
    boolean exclude = text.startsWith("!");
    String rest = exclude ? text.substring(1) : text;
    int colon = rest.indexOf(':');
    Collection c = Collection.byKey(colon < 0 ? rest : rest.substring(0, colon));
    if (c == null) {
      return null;
    }
    String name = colon < 0 ? null : rest.substring(colon + 1);
    if (name != null && c.caseInsensitiveNames()) {
      name = name.toLowerCase(Locale.ROOT);
    }
    return new Target(c, name, exclude);
  }

  boolean covers(Field field) {
    if (field.collection() != collection) {
      return false;
    }
    if (name == null) {
      return true;
    }
    // a rule naming one header is asked about every header: the names' hashes (each String keeps
    // its own) rule most of them out without comparing text
    String other = field.name();
    return other != null && other.hashCode() == name.hashCode() && name.equals(other);
  }

  @Override
  public String toString() {
    return (exclude ? "!" : "") + collection.key() + (name == null ? "" : ":" + name);
  }
}
