package dev.gantry.gateway.proxy;

import dev.gantry.gateway.spec.RouteSpec;
import dev.gantry.gateway.spec.TargetSpec;
import io.vertx.core.buffer.Buffer;
import dev.gantry.gateway.request.GatewayCall;

/**
 * One request on its way through a route.
 *
 * @param uri       path and query to send to an upstream, after the rewrite
 * @param body      the buffered request body, or null when it streams
 * @param deadline  absolute deadline, epoch milliseconds
 * @param retryable whether the method (or the route's opt-in) allows retries
 */
record Exchange(GatewayCall call, RouteSpec route, TargetSpec target, String uri, Buffer body,
    long deadline, boolean retryable, long maxBody) {}
