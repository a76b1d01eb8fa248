/**
 * Log output: one JSON object a line for production, a readable line for development, both
 * carrying the node and the request id, trace id and span id of the request being served. Reads
 * the request from the Vert.x context on the logging thread, and carries its ids across the
 * console's queue as key-value pairs; knows nothing of routes or services.
 *
 * <p>Starting points: {@link dev.gantry.runtime.logging.JsonLayout} and
 * {@link dev.gantry.runtime.logging.LogFormat}.
 */
package dev.gantry.runtime.logging;
