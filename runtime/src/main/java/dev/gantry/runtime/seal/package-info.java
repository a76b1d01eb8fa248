/**
 * Sealing of the cluster's shared state: Hazelcast open source has neither TLS nor member
 * authentication, so every value Gantry keeps in a cluster map is encrypted and authenticated
 * (AES-GCM) under the cluster key, bound to its map and key. A member that joins without the key
 * reads ciphertext and cannot write a value the others accept. Knows nothing of what the values mean.
 *
 * <p>Starting points: {@link dev.gantry.runtime.seal.SealedClusterManager} and
 * {@link dev.gantry.runtime.seal.ClusterSeal}.
 */
package dev.gantry.runtime.seal;
