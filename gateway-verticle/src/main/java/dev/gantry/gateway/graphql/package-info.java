/**
 * GraphQL as a route target, federated over the event bus: services publish their parts of the
 * schema ({@link dev.gantry.codecs.graphql.SchemaPart}), {@link dev.gantry.gateway.graphql.Federation}
 * composes the served schema from the live ones ({@link dev.gantry.gateway.graphql.Composer}),
 * {@link dev.gantry.gateway.graphql.GraphqlTarget} serves it over HTTP and
 * {@code graphql-transport-ws} under the route's limits ({@link dev.gantry.gateway.graphql.QueryLimits}).
 * Resolvers are event-bus calls ({@link dev.gantry.gateway.graphql.BusResolvers}), batched per
 * execution level. Starting point: GraphqlTarget.
 */
package dev.gantry.gateway.graphql;
