/**
 * The seam every edge layer plugs into: a {@link dev.gantry.gateway.policy.Policy} is one concern
 * on the request path (answer locally, pass on, or wrap the reply), a
 * {@link dev.gantry.gateway.policy.PolicyType} names it in the route file with its phase, fields
 * and reader, and a {@link dev.gantry.gateway.policy.PolicyChain} composes a route's policies once
 * per applied spec. Every kind of answer is a {@link dev.gantry.gateway.policy.Reply} with one
 * writer. It knows requests and replies, not routes' targets, pools or services.
 *
 * <p>Starting points: {@link dev.gantry.gateway.policy.PolicyChain} and
 * {@link dev.gantry.gateway.policy.PolicyRegistry}.
 */
package dev.gantry.gateway.policy;
