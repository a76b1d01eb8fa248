/**
 * The API routes of the reference services: each turns an HTTP request into a validated message
 * record, calls the service over the event bus with the request's envelope, and writes the reply.
 * It knows the records and addresses, never the services' stores.
 *
 * <p>Starting point: {@link dev.gantry.gateway.api.ApiRoutes}.
 */
package dev.gantry.gateway.api;
