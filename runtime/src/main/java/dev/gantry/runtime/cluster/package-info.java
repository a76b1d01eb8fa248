/**
 * Hazelcast set up for Gantry: TCP-IP join on the configured members (loopback by default), no
 * multicast, the cluster name isolating one Gantry cluster from another; and what the rest of the
 * node learns from it when a member leaves or dies ({@link dev.gantry.runtime.cluster.MemberLoss}).
 * Knows nothing of roles.
 *
 * <p>Starting point: {@link dev.gantry.runtime.cluster.ClusterSetup}.
 */
package dev.gantry.runtime.cluster;
