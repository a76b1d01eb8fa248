/**
 * The cluster's one copy of the gateway spec (routes and upstreams): kept in a Hazelcast-backed
 * map, changed under a cluster lock, and announced to every gateway node on the event bus so a
 * change takes effect everywhere at once. It knows specs, not how they are served.
 *
 * <p>Starting point: {@link dev.gantry.gateway.store.SpecStore}.
 */
package dev.gantry.gateway.store;
