/**
 * The command line: parses flags, loads the configuration, starts a node and stops it on SIGTERM
 * or SIGINT with exit code 0. The one place that talks to a terminal.
 *
 * <p>Starting point: {@link dev.gantry.runtime.cli.Main}.
 */
package dev.gantry.runtime.cli;
