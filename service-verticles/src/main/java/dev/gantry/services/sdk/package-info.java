/**
 * The SDK for writing a service verticle: bind a typed handler to an address and the SDK reads the
 * envelope, drops work whose deadline passed, replies, and turns failures into the one error
 * model. Backend endpoints arrive resolved in {@link dev.gantry.services.sdk.ServiceBackends}. It
 * knows nothing of the gateway or HTTP.
 *
 * <p>Starting point: {@link dev.gantry.services.sdk.ServiceEndpoints}.
 */
package dev.gantry.services.sdk;
