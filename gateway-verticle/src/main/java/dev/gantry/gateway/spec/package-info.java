/**
 * The declarative model of the gateway — routes and upstream pools — as immutable records read
 * from YAML or JSON, validated once, with errors naming the field ({@code routes[2].match.path}).
 * It describes; it does not run anything, and knows nothing of Vert.x HTTP.
 *
 * <p>Starting points: {@link dev.gantry.gateway.spec.GatewaySpec} and
 * {@link dev.gantry.gateway.spec.RouteSpec}.
 */
package dev.gantry.gateway.spec;
