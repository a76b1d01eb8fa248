/**
 * The Vert.x Service Discovery implementation of the service catalog. Only this package imports
 * io.vertx.servicediscovery.
 *
 * <p>Starting point: {@link dev.gantry.discovery.impl.VertxServiceCatalog}.
 */
package dev.gantry.discovery.impl;
