/**
 * Liveness and readiness endpoints. Readiness runs the checks it is given (backends, cluster);
 * which checks exist is the runtime's business, not the gateway's.
 *
 * <p>Starting point: {@link dev.gantry.gateway.health.HealthRoutes}.
 */
package dev.gantry.gateway.health;
