/**
 * Liveness and readiness endpoints, and the drain that turns readiness down first when the node
 * stops. Readiness runs the checks it is given (backends, cluster); which checks exist, and when a
 * node drains, is the runtime's business, not the gateway's.
 *
 * <p>Starting points: {@link dev.gantry.gateway.health.HealthRoutes}, {@link dev.gantry.gateway.health.Draining}.
 */
package dev.gantry.gateway.health;
