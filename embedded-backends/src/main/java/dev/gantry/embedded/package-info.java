/**
 * Real Postgres, Redis and Kafka for a laptop or a test JVM: Postgres and Redis as child processes
 * from binaries shipped in Maven artifacts, Kafka as an in-process KRaft broker. Each keeps its
 * data under a directory it is given, so a restart sees the same data, also after a crash: a child
 * server never outlives its JVM for long ({@link dev.gantry.embedded.Watchdog}), and one a dead
 * process left behind is stopped on the next start ({@link dev.gantry.embedded.PidFile}). Every start here blocks;
 * callers run it off the event loop. It knows nothing of Vert.x or of Gantry's services.
 *
 * <p>Starting points: {@link dev.gantry.embedded.EmbeddedBackend} and
 * {@link dev.gantry.embedded.EmbeddedKafkaBroker}.
 */
package dev.gantry.embedded;
