/**
 * The node's metrics registry: Prometheus-format, fed by Vert.x itself (HTTP server and client,
 * event bus, SQL and Redis pools), by the JVM and process, and by Gantry's own meters. Knows no
 * request, only what to collect.
 *
 * <p>Starting point: {@link dev.gantry.runtime.metrics.NodeMetrics}.
 */
package dev.gantry.runtime.metrics;
