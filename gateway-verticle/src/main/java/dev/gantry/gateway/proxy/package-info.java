/**
 * The reverse proxy: matches a request to a route, picks the target (canary split, pinning),
 * forwards it to an upstream pool with streaming bodies and the resilience layer around each
 * attempt, relays the response, and copies a share to a shadow target for comparison. It knows
 * HTTP and the gateway specs; it knows nothing of services' internals.
 *
 * <p>Starting points: {@link dev.gantry.gateway.proxy.ProxyHandler} and
 * {@link dev.gantry.gateway.proxy.HttpForwarder}.
 */
package dev.gantry.gateway.proxy;
