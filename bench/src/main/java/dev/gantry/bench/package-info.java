/**
 * JMH micro-benchmarks of Gantry's hot paths: route matching, the event-bus codecs and envelope,
 * and upstream balancing. Load benchmarks against peers live in {@code bench/run}. Nothing here is
 * a test: figures go to bench/RESULTS.md.
 *
 * <p>Starting point: {@link dev.gantry.bench.RouteMatchingBench}.
 */
package dev.gantry.bench;
