/**
 * The first handler of every request: gives it an envelope (request id, trace context, deadline,
 * principal) that later handlers and the services carry. It knows nothing of routes or targets.
 *
 * <p>Starting point: {@link dev.gantry.gateway.request.RequestEnvelopeHandler}.
 */
package dev.gantry.gateway.request;
