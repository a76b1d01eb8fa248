/**
 * Read-only queries of the models for the gateway's {@code /api/analytics} route: parameters, never
 * SQL, from the client; column names checked against the catalog; values bound. It must not write
 * to the warehouse except through the rebuild and export it is handed.
 *
 * <p>Starting points: {@link dev.gantry.analytics.query.AnalyticsHttp} and
 * {@link dev.gantry.analytics.query.ModelQuery}.
 */
package dev.gantry.analytics.query;
