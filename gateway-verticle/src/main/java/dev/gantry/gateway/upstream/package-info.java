/**
 * Upstream pools at run time (the regional load-balancing layer): each target's live state
 * (in-flight requests, health, ejection), the balancing algorithms, zone preference with
 * failover, and active health checks. All state is confined to the gateway verticle's event loop.
 * It knows targets and their health, not routes or HTTP bodies.
 *
 * <p>Starting points: {@link dev.gantry.gateway.upstream.UpstreamPool} and
 * {@link dev.gantry.gateway.upstream.Balancer}.
 */
package dev.gantry.gateway.upstream;
