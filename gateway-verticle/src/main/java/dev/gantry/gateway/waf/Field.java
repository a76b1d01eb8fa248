package dev.gantry.gateway.waf;

/**
 * One value of a request a rule can look at: {@code args:q = "1 or 1=1"}.
 *
 * @param index the number of its value among the request's distinct values: fields holding the
 *              same text share it, and with it the cache of transformed values and of outcomes
 */
record Field(Collection collection, String name, String value, int index) {
  /** How logs and problems name it: {@code args:q}, {@code headers:user-agent}, {@code path}. */
  String variable() {
    return name == null ? collection.key() : collection.key() + ":" + name;
  }
}
