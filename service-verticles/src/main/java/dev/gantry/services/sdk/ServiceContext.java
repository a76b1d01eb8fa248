package dev.gantry.services.sdk;

import dev.gantry.discovery.ServiceCatalog;

/** Where a service instance runs: its node, its zone, and the cluster's service catalog. */
public record ServiceContext(String nodeId, String zone, ServiceCatalog catalog) {}
