package dev.gantry.codecs;

/** Names of cluster-wide maps more than one module reads. */
public final class SharedMaps {
  private SharedMaps() {}

  /**
   * Every live node's description (id, roles, zone, listeners), keyed by node id, written by the
   * node itself with a time-to-live it keeps renewing, so a node that died drops out on its own.
   */
  public static final String NODES = "gantry.nodes";

  /** Each service instance's part of the GraphQL schema ({@code SchemaPart}), keyed by {@code service@node}. */
  public static final String GRAPHQL_PARTS = "gantry.graphql.parts";
  /** GraphQL queries persisted through the admin API (the allow-list): the query text by its hex SHA-256. */
  public static final String GRAPHQL_PERSISTED = "gantry.graphql.persisted";
  /** GraphQL queries clients registered as automatic persisted queries (kept an hour): text by hex SHA-256. */
  public static final String GRAPHQL_APQ = "gantry.graphql.apq";
}
