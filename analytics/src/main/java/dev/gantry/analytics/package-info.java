/**
 * The analytics warehouse (role {@code analytics}): {@code orders.v1} consumed into an embedded
 * DuckDB file exactly once by event id, SQL models rebuilt on a schedule and on demand, read-only
 * queries for the gateway's {@code /api/analytics} route, backfill and Parquet export. It knows
 * the event format of the orders service, nothing of its stores or of the gateway.
 *
 * <p>Starting point: {@link dev.gantry.analytics.AnalyticsVerticle}.
 */
package dev.gantry.analytics;
