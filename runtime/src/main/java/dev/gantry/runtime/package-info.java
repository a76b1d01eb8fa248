/**
 * The runtime: turns a validated configuration into a running node — joins the Hazelcast cluster,
 * registers the codecs, resolves (or starts) the backends, migrates the schema, deploys the
 * verticles of this node's roles — and stops it cleanly. The only module that knows all others.
 *
 * <p>Starting points: {@link dev.gantry.runtime.Gantry} and {@link dev.gantry.runtime.cli.Main}.
 */
package dev.gantry.runtime;
