/**
 * The admin API on its own listener: bearer-token protected CRUD of routes and upstreams
 * (validated before anything changes, announced cluster-wide through the spec store), this
 * node's live status, and an OpenAPI description. It knows specs and the store, not the proxy.
 *
 * <p>Starting point: {@link dev.gantry.gateway.admin.AdminApi}.
 */
package dev.gantry.gateway.admin;
