/**
 * OpenTelemetry for a node: an SDK with W3C propagation, parent-based ratio sampling and an
 * OTLP/HTTP exporter, handed to Vert.x so HTTP, event-bus, SQL and Redis calls make spans. With
 * no endpoint configured nothing is installed, so tracing off costs nothing.
 *
 * <p>Starting point: {@link dev.gantry.runtime.tracing.Tracing}.
 */
package dev.gantry.runtime.tracing;
