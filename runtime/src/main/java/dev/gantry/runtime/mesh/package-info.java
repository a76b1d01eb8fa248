/**
 * The mesh's identities and call policy as one node applies them: the services its certificate
 * lets it run ({@link dev.gantry.runtime.mesh.NodeIdentity}) and the cluster's call policy kept
 * current for the callee-side check ({@link dev.gantry.runtime.mesh.MeshPolicyFeed}). Knows
 * nothing of HTTP; the policy's model is {@code dev.gantry.discovery.CallPolicy}.
 *
 * <p>Starting points: {@link dev.gantry.runtime.mesh.NodeIdentity}, {@link dev.gantry.runtime.mesh.MeshPolicyFeed}.
 */
package dev.gantry.runtime.mesh;
