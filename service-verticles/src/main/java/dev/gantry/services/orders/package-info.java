/**
 * The orders service: places an order and its outbox event in one Postgres transaction, and
 * relays the outbox to the Kafka topic {@code orders.v1} at least once. It must not know about
 * HTTP or the other services' stores beyond the product prices it reads.
 *
 * <p>Starting points: {@link dev.gantry.services.orders.OrdersVerticle} and
 * {@link dev.gantry.services.orders.OutboxRelay}.
 */
package dev.gantry.services.orders;
