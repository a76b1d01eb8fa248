/**
 * SQL models as files, dbt style ({@code analytics/models/*.sql}): parsing of {@code config},
 * {@code ref} and {@code is_incremental()}, dependency order, and builds that keep the last good
 * table of a model that fails. It knows the warehouse, nothing of Kafka or HTTP.
 *
 * <p>Starting points: {@link dev.gantry.analytics.model.Model} and
 * {@link dev.gantry.analytics.model.ModelRunner}.
 */
package dev.gantry.analytics.model;
