/**
 * Limits on how much a client may ask: the {@code rate-limit} policy (sliding windows, several
 * checked together) and the {@code quota} policy (a count per UTC day or month), both in phase
 * {@code limit}, both counting through one {@link dev.gantry.gateway.traffic.Limiter}: the
 * cluster's Redis (one Lua script per decision; for large limits one per batch of permits, see
 * {@link dev.gantry.gateway.traffic.ReservingLimiter}) or this node's memory, which is also the
 * fallback while Redis is down. Replies carry the draft-standard {@code RateLimit-Policy} and
 * {@code RateLimit} fields. It knows requests, principals and the policy seam; it knows nothing of
 * routes' targets, and does not authenticate — it reads the principal an earlier policy set.
 *
 * <p>Starting points: {@link dev.gantry.gateway.traffic.RateLimitType} and
 * {@link dev.gantry.gateway.traffic.Window}.
 */
package dev.gantry.gateway.traffic;
