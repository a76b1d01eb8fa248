/**
 * The contract between Gantry nodes: event-bus addresses, envelope headers, the error model and
 * the message records with their codecs. It knows Vert.x core only — nothing of HTTP, SQL or the
 * gateway — so every node, whatever its roles, can speak it.
 *
 * <p>Starting points: {@link dev.gantry.codecs.Envelope} (what travels with every request) and
 * {@link dev.gantry.codecs.Failure} (the one error model, from event-bus code to HTTP status).
 */
package dev.gantry.codecs;
