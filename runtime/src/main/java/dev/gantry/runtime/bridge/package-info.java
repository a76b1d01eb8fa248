/**
 * The TCP bridge through which services written in other languages join the cluster: Vert.x's TCP
 * bridge framing read with a bounded reader, a token in the first frame, registration of the
 * services {@code bridge.services} allows (they enter the catalog under this node) and calls to
 * those {@code bridge.calls} allows, checked against the mesh's call policy. Knows nothing of HTTP
 * routing: the gateway reaches a bridge service like any other.
 *
 * <p>Starting points: {@link dev.gantry.runtime.bridge.BridgeServer} and
 * {@link dev.gantry.runtime.bridge.BridgeConnection}.
 */
package dev.gantry.runtime.bridge;
