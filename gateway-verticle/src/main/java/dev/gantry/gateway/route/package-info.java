/**
 * The compiled route table: patterns pre-parsed, routes pre-sorted by explicit priority then
 * specificity then id, so the same request always picks the same route and matching does no
 * parsing per request. It knows requests and specs, not targets or proxies.
 *
 * <p>Starting points: {@link dev.gantry.gateway.route.RouteTable} and
 * {@link dev.gantry.gateway.route.PathPattern}.
 */
package dev.gantry.gateway.route;
