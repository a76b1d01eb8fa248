package dev.gantry.gateway.cache;

/**
 * The {@code cache} policy's configuration.
 *
 * @param maxObjectBytes    largest response body stored (a larger one, or one of unknown length, streams past)
 * @param memoryBytes       the node's cache size in bytes (the largest any route asks for wins; one LRU per node)
 * @param defaultTtlSeconds freshness of a response that states none (0: such responses are not stored,
 *                          as RFC 9111 with heuristic freshness off)
 * @param redis             whether entries are also kept in the cluster's Redis, for every node
 */
public record CacheConfig(long maxObjectBytes, long memoryBytes, long defaultTtlSeconds, boolean redis) {}
