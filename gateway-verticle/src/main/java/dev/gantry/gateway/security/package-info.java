/**
 * Security policies on the request path: today the DDoS guard (deny and allow lists by CIDR,
 * open connections and a request rate per client address, trusted proxies). It knows requests
 * and the policy seam; it knows nothing of routes' targets.
 *
 * <p>Starting point: {@link dev.gantry.gateway.security.DdosGuard}.
 */
package dev.gantry.gateway.security;
