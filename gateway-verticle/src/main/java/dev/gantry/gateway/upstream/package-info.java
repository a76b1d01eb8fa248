/**
 * Upstream pools at run time (the regional load-balancing layer): each target's live state
 * (in-flight requests, health, ejection), the balancing algorithms, zone preference with
 * failover, active health checks, and the HTTP clients each event loop speaks to pools with (one per
 * transport: HTTP/1.1 or HTTP/2, TLS with its CA bundle, SNI name and client certificate). The
 * state is shared by the gateway's event loops, each piece guarding itself. It knows targets and
 * their health, not routes or HTTP bodies.
 *
 * <p>Starting points: {@link dev.gantry.gateway.upstream.UpstreamPool} and
 * {@link dev.gantry.gateway.upstream.Balancer}.
 */
package dev.gantry.gateway.upstream;
