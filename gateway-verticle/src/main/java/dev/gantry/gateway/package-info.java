/**
 * The HTTP edge of Gantry: one verticle whose listeners pass every request through the edge guard
 * (protocol rules and the one path normalisation), then take it through the gateway's steps in a
 * declared order — draining, request envelope, observer, the request path (gateway-wide policies,
 * declared routes and the API routes to event-bus services), health for what no route took — and
 * one problem responder for every failure. It talks to services only through the event bus; it knows no database.
 *
 * <p>Starting points: {@link dev.gantry.gateway.GatewayVerticle} and
 * {@link dev.gantry.gateway.problem.ProblemResponder}.
 */
package dev.gantry.gateway;
