/**
 * Gantry's one typed configuration, read from layered sources — defaults, a YAML file, GANTRY_*
 * environment variables, gantry.* system properties, then command-line flags — and validated once,
 * with errors that name the key and where it came from. It knows nothing of HTTP or of any service.
 *
 * <p>Starting points: {@link dev.gantry.config.ConfigLoader} and {@link dev.gantry.config.GantryConfig}.
 */
package dev.gantry.config;
