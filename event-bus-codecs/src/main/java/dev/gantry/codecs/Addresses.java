package dev.gantry.codecs;

/** Every event-bus address Gantry uses. Nothing else in the code base spells an address. */
public final class Addresses {
  private Addresses() {}

  /** Published (to every node) when an API key is revoked; the body is the key id. */
  public static final String API_KEY_REVOKED = "gantry.api-keys.revoked";
  /** Published (to every node) to purge the HTTP cache: {"key"|"prefix"|"tag": "..."}. */
  public static final String CACHE_PURGE = "gantry.cache.purge";
  public static final String CATALOG_LIST = "gantry.catalog.list";
  public static final String CATALOG_GET = "gantry.catalog.get";
  public static final String INVENTORY_GET = "gantry.inventory.get";
  public static final String ORDERS_PLACE = "gantry.orders.place";
  public static final String ORDERS_GET = "gantry.orders.get";
  /** Pays or cancels an order ({@code ChangeOrder}); the reply is the order as it now is. */
  public static final String ORDERS_CHANGE = "gantry.orders.change";
  /**
   * Where instances of a service take {@code HttpCall}s: every instance listens on the name's
   * address, and also on the name-and-version one so routes can address one version.
   */
  public static String httpService(String name, String version) {
    return version == null ? "gantry.http." + name : "gantry.http." + name + "." + version;
  }

  /**
   * One instance's own address (its node's), for callers that choose the instance themselves and
   * so know which node a request is in flight to.
   */
  public static String httpServiceOn(String name, String version, String node) {
    return httpService(name, version) + "@" + node;
  }

  /** Published (to every node) when a service instance published or withdrew its GraphQL schema part. */
  public static final String GRAPHQL_PARTS_CHANGED = "gantry.graphql.parts.changed";
  /** Published (to every node) when a query is removed from the GraphQL allow-list; the body is its hash. */
  public static final String GRAPHQL_PERSISTED_REMOVED = "gantry.graphql.persisted.removed";
  /** Published (to every node) when an order's status changes: {"orderId", "status", "at"}. */
  public static final String ORDERS_STATUS = "gantry.orders.status";

  /** Where a service's instances resolve GraphQL field {@code coordinate} ({@code Type.field}). */
  public static String graphqlField(String service, String coordinate) {
    return "gantry.graphql." + service + "." + coordinate;
  }

  /** Local (per node): a cluster member left or died; the body is its node id. */
  public static final String NODE_LEFT = "gantry.cluster.node-left";

  /** Published to every gateway node when the cluster's routes or upstreams change. */
  public static final String GATEWAY_SPEC_CHANGED = "gantry.gateway.spec.changed";
  /** Local (per node) nudge telling the outbox relay that new rows are waiting. */
  public static final String OUTBOX_NUDGE = "gantry.orders.outbox.nudge";
}
