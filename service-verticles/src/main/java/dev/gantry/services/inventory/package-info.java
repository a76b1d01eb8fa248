/**
 * The inventory service: units available per product, kept in Redis. It must not know about HTTP
 * or the other services; {@link dev.gantry.services.inventory.StockSeeder} fills Redis from the
 * seed data once.
 *
 * <p>Starting point: {@link dev.gantry.services.inventory.InventoryVerticle}.
 */
package dev.gantry.services.inventory;
