/**
 * The reference API ({@code /api/products}, {@code /api/inventory}, {@code /api/orders}) as
 * declared service routes seeded into the route table, so it takes the one request path like any
 * route. It knows the routes, not the services behind them.
 *
 * <p>Starting point: {@link dev.gantry.gateway.api.ReferenceRoutes}.
 */
package dev.gantry.gateway.api;
