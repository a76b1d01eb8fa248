/**
 * HTTP exchanges carried over the event bus: what a gateway route sends to a service target and
 * what the service answers. Plain data; no HTTP stack here.
 *
 * <p>Starting point: {@link dev.gantry.codecs.http.HttpCall}.
 */
package dev.gantry.codecs.http;
