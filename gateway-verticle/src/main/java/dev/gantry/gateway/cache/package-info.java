/**
 * The CDN layer on the request path: the {@code cache} policy, a shared HTTP cache after RFC 9111
 * (freshness, Vary, validators, stale-while-revalidate, stale-if-error, request collapsing) kept in
 * a byte-bounded LRU per node and purged cluster-wide by key, prefix or tag. It knows replies and
 * the policy seam; it knows nothing of targets (an upstream's answer and a service's look alike).
 *
 * <p>Starting points: {@link dev.gantry.gateway.cache.CachePolicy}, {@link dev.gantry.gateway.cache.Freshness}.
 */
package dev.gantry.gateway.cache;
