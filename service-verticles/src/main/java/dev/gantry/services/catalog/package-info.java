/**
 * The catalog service: products in Postgres, listed by keyset pages and fetched by id over the
 * event bus. It must not know about HTTP or the other services.
 *
 * <p>Starting point: {@link dev.gantry.services.catalog.CatalogVerticle}.
 */
package dev.gantry.services.catalog;
