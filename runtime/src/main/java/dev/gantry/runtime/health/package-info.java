/**
 * Readiness checks of a node: Postgres, Redis, Kafka and the cluster, each answering within a
 * bounded time so a dead backend makes readiness fail fast instead of hang.
 *
 * <p>Starting point: {@link dev.gantry.runtime.health.ReadinessChecks}.
 */
package dev.gantry.runtime.health;
