/**
 * Getting {@code orders.v1} into the warehouse: strict decoding of each record (a bad one goes to
 * the dead-letter topic) and the backfill that re-reads the topic from its beginning. It knows the
 * record format and the warehouse, nothing of HTTP or the models' SQL.
 *
 * <p>Starting points: {@link dev.gantry.analytics.ingest.OrderEventDecoder} and
 * {@link dev.gantry.analytics.ingest.Backfill}.
 */
package dev.gantry.analytics.ingest;
