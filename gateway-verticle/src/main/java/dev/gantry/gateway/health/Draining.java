package dev.gantry.gateway.health;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import dev.gantry.gateway.request.GatewayCall;
import java.util.concurrent.TimeUnit;

/**
 * The first step of a node's shutdown, before its listeners stop accepting: from {@link #begin()}
 * on, {@code /health/ready} answers 503 (so a load balancer takes the node out) while every
 * request is still served, and each HTTP/1.x answer carries {@code Connection: close} and closes
 * its connection — so no keep-alive connection is left for a client to reuse at the moment the
 * listener closes. HTTP/2 connections get their GOAWAY when the listener shuts down. Shared by
 * every listener of a gateway; flipped once, never back.
 */
public final class Draining implements Handler<GatewayCall> {
  private final long graceMillis;
  private volatile boolean draining;

  /** @param graceMillis how long a connection told to close may take to finish its request */
  public Draining(long graceMillis) {
    this.graceMillis = graceMillis;
  }

  public void begin() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  @Override
  public void handle(GatewayCall call) {
    HttpServerRequest request = call.request();
    if (draining && request.version() != HttpVersion.HTTP_2 && !request.headers().contains(HttpHeaders.UPGRADE)) {
      call.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      // Closes once this request's answer is written: Vert.x keeps a connection open after a
      // response that only says Connection: close.
      request.connection().shutdown(Math.max(graceMillis, 1), TimeUnit.MILLISECONDS);
    }
  }
}
