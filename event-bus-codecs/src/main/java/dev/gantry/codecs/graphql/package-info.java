/**
 * What a service publishes to join the cluster's GraphQL schema: its part of the schema (SDL) and
 * the event-bus addresses that resolve its fields. Starting point: {@link dev.gantry.codecs.graphql.SchemaPart}.
 */
package dev.gantry.codecs.graphql;
