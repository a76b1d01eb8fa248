/**
 * What an operator sees of the gateway: per-route request metrics (count, errors, latency
 * histogram), gauges over upstream health and breakers, and one access-log line per request.
 * Labels are bounded: route ids and upstream names, never raw paths. It observes; it changes
 * nothing about how a request is served.
 *
 * <p>Starting points: {@link dev.gantry.gateway.observe.RequestObserver} and
 * {@link dev.gantry.gateway.observe.ProxyMeters}.
 */
package dev.gantry.gateway.observe;
