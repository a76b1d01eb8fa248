/**
 * Where this node's Postgres, Redis and Kafka are: configured endpoints win; otherwise the
 * endpoints another node of the cluster published for its embedded backends; otherwise embedded
 * ones started here, which this node then publishes. Knows nothing of the services' schemas.
 *
 * <p>Starting point: {@link dev.gantry.runtime.backends.BackendResolver}.
 */
package dev.gantry.runtime.backends;
