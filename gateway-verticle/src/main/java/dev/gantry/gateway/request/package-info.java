/**
 * A request on a gateway listener: the call that carries it through the listener's steps (its
 * envelope, the route it matched, how it failed, who is told when it ends), and the step that
 * gives it an envelope (request id, trace context, deadline, principal) that later steps and the
 * services carry. It knows nothing of routes or targets.
 *
 * <p>Starting points: {@link dev.gantry.gateway.request.GatewayCall},
 * {@link dev.gantry.gateway.request.RequestEnvelopeHandler}.
 */
package dev.gantry.gateway.request;
