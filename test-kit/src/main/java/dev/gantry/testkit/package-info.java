/**
 * The test kit: real Postgres, Redis and Kafka started once per test JVM and shared by every test
 * class, with a fresh Postgres database and Redis database index per caller so tests do not see
 * each other's data. Test code only; nothing in main code may depend on it.
 *
 * <p>Starting point: {@link dev.gantry.testkit.TestBackends}.
 */
package dev.gantry.testkit;
