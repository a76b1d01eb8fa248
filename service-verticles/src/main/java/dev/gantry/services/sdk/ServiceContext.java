package dev.gantry.services.sdk;

import dev.gantry.discovery.MeshGate;
import dev.gantry.discovery.ServiceCatalog;

/**
 * Where a service instance runs: its node, its zone, the cluster's service catalog, and the mesh's
 * call policy as this node enforces it for calls arriving at its services.
 */
public record ServiceContext(String nodeId, String zone, ServiceCatalog catalog, MeshGate gate) {
  public ServiceContext(String nodeId, String zone, ServiceCatalog catalog) {
    this(nodeId, zone, catalog, MeshGate.open());
  }
}
