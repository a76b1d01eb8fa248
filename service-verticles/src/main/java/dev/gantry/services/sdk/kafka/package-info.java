/**
 * The Kafka consumer SDK for service verticles: a consumer group member that hands decoded records
 * to a handler in batches, commits offsets only after the handler's future succeeded, retries with
 * backoff, and sends records that cannot be decoded or still fail to the dead-letter topic
 * {@code <topic>.dlq}, so one bad record never blocks its partition. It knows Kafka and Vert.x,
 * nothing of what the records mean.
 *
 * <p>Starting points: {@link dev.gantry.services.sdk.kafka.TopicConsumer} and
 * {@link dev.gantry.services.sdk.kafka.TopicConsumerOptions}.
 */
package dev.gantry.services.sdk.kafka;
