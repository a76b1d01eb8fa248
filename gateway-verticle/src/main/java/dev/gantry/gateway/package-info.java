/**
 * The HTTP edge of Gantry: one verticle whose listeners pass every request through the edge guard
 * (protocol rules and the one path normalisation), then compose the gateway's handlers in a
 * declared order — request envelope, health, declared routes, API routes to event-bus services,
 * and one problem responder for every failure. It talks to services only through the event bus; it knows no database.
 *
 * <p>Starting points: {@link dev.gantry.gateway.GatewayVerticle} and
 * {@link dev.gantry.gateway.problem.ProblemResponder}.
 */
package dev.gantry.gateway;
