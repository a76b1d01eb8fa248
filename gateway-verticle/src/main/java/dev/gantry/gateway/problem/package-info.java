/**
 * The gateway's one failure handler: every failure of every route becomes an RFC 9457
 * {@code application/problem+json} response with a stable type — never a stack trace — or, for a
 * gRPC request, a trailers-only gRPC response with the matching {@code grpc-status}. It knows the
 * error model, not the routes.
 *
 * <p>Starting point: {@link dev.gantry.gateway.problem.ProblemResponder}.
 */
package dev.gantry.gateway.problem;
