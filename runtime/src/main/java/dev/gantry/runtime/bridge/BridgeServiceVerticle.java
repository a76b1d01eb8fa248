package dev.gantry.runtime.bridge;

import dev.gantry.services.sdk.ServiceContext;
import dev.gantry.services.sdk.ServiceEndpoints;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * One service a bridge client registered: it listens on the service's addresses like any service
 * verticle (and so is in the catalog under this node) and hands each call to the client's
 * connection. Undeployed when the connection closes, which withdraws the catalog record.
 */
final class BridgeServiceVerticle extends VerticleBase {
  private final String service;
  private final String version;
  private final ServiceContext context;
  private final BridgeConnection connection;
  private ServiceEndpoints endpoints;

  BridgeServiceVerticle(String service, String version, ServiceContext context, BridgeConnection connection) {
    this.service = service;
    this.version = version;
    this.context = context;
    this.connection = connection;
  }

  @Override
  public Future<?> start() {
    endpoints = new ServiceEndpoints(vertx, context);
    return endpoints.bindHttp(service, version, (call, envelope) -> connection.call(service, call, envelope));
  }

  @Override
  public Future<?> stop() {
    return endpoints == null ? Future.succeededFuture() : endpoints.close();
  }
}
