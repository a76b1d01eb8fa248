/**
 * The first step of every request, before any route is matched: the HTTP rules the codecs leave
 * open (framing, field syntax, Host), the one normalisation of the request target that routing,
 * rewrites and upstreams all use, malformed HTTP/2 streams and HTTP/2 floods (HTTP/2 limits, the
 * CONTINUATION frame count), the client-side clocks (header timeout, minimum body rate), and the
 * plain listener that only redirects to HTTPS. It decides what a request means, once; it knows nothing of routes,
 * targets or services.
 *
 * <p>Starting points: {@link dev.gantry.gateway.edge.EdgeGuard} and
 * {@link dev.gantry.gateway.edge.RequestTarget}.
 */
package dev.gantry.gateway.edge;
