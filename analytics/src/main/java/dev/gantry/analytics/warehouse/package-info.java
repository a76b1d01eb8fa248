/**
 * The embedded DuckDB file of the warehouse: its raw tables (events exactly once by event id),
 * JDBC access split into one serialised writer and per-read connections, and Parquet export.
 * Every method blocks; it knows nothing of Vert.x, Kafka or HTTP.
 *
 * <p>Starting points: {@link dev.gantry.analytics.warehouse.Warehouse} and
 * {@link dev.gantry.analytics.warehouse.ParquetExport}.
 */
package dev.gantry.analytics.warehouse;
