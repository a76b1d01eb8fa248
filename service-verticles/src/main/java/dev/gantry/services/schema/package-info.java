/**
 * Versioned SQL migrations of the services' Postgres schema, applied at start in order, once,
 * under an advisory lock so several nodes starting together do not race. It knows Postgres and
 * the migration files, nothing of the services that use the tables.
 *
 * <p>Starting point: {@link dev.gantry.services.schema.SchemaMigrator}.
 */
package dev.gantry.services.schema;
