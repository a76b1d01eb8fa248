package dev.gantry.services.sdk;

import java.util.ArrayList;
import java.util.List;

/** Reads the keys of a GraphQL batch: ids arrive as JSON numbers or as strings (GraphQL's {@code ID}). */
public final class GraphqlKeys {
  private GraphqlKeys() {}

  /** Each key as a positive long, or null where it is not one (its value is then null too). */
  public static List<Long> longs(List<Object> keys) {
    List<Long> ids = new ArrayList<>(keys.size());
    for (Object key : keys) {
      ids.add(positive(key));
    }
    return ids;
  }

  /** {@code value} (a number or an ID string) as a positive long, or null. */
  public static Long positive(Object value) {
    if (value instanceof Number n) {
      return n.longValue() > 0 && n.doubleValue() == n.longValue() ? n.longValue() : null;
    }
    if (value instanceof String s && s.length() <= 19 && !s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
      long id = Long.parseLong(s);
      return id > 0 ? id : null;
    }
    return null;
  }
}
