/**
 * The CDN layer on the request path: the {@code cache} policy, a shared HTTP cache after RFC 9111
 * (freshness, Vary, validators, stale-while-revalidate, stale-if-error, request collapsing) kept in
 * a byte-bounded LRU per node and purged cluster-wide by key, prefix or tag; and the {@code compress}
 * policy (br, gzip), which runs inside the cache so that what the cache stores is the coded
 * variant, one per {@code Accept-Encoding}. It knows replies and the policy seam; it knows nothing
 * of targets (an upstream's answer, a service's and a file look alike).
 *
 * <p>Starting points: {@link dev.gantry.gateway.cache.CachePolicy}, {@link dev.gantry.gateway.cache.CompressPolicy}.
 */
package dev.gantry.gateway.cache;
