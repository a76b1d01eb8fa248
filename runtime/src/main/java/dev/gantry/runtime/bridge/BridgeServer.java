package dev.gantry.runtime.bridge;

import dev.gantry.config.ConfigException;
import dev.gantry.config.MeshConfig;
import dev.gantry.discovery.MeshGate;
import dev.gantry.services.sdk.ServiceContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP event-bus bridge for services written in other languages: the frame format of Vert.x's
 * TCP bridge (4-byte big-endian length, then a JSON object), with Gantry's own checks — a bounded
 * frame size, a token in the first frame, and permissions: a client may register only the services
 * of {@code bridge.services} (what the bridge delivers to clients) and call only those of
 * {@code bridge.calls} (what it takes from them). Each connection is a {@link BridgeConnection}.
 */
public final class BridgeServer {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeServer.class);

  private final Vertx vertx;
  private final MeshConfig.Bridge options;
  private final byte[] token;
  private final ServiceContext context;
  private final MeterRegistry registry;
  private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
  private final Set<BridgeConnection> connections = ConcurrentHashMap.newKeySet();
  private NetServer server;

  /**
   * @param context where registered services run (this node, its zone, the catalog) and the mesh's
   *                call policy, consulted for every call a client makes
   */
  public BridgeServer(Vertx vertx, MeshConfig.Bridge options, ServiceContext context, MeterRegistry registry) {
    this.vertx = vertx;
    this.options = options;
    this.token = token(options).getBytes(StandardCharsets.UTF_8);
    this.context = context;
    this.registry = registry;
  }

  private static String token(MeshConfig.Bridge options) {
    if (options.token().isPresent()) {
      return options.token().get();
    }
    java.nio.file.Path file = options.tokenFile().orElseThrow(
        () -> new ConfigException("config: bridge.enabled is on but neither bridge.token nor bridge.token-file is set"));
    try {
      String text = Files.readString(file).trim();
      if (text.length() < 16) {
        throw new ConfigException("config: bridge.token-file " + file + ": a token of at least 16 characters, got " + text.length());
      }
      return text;
    } catch (IOException e) {
      throw new ConfigException("config: bridge.token-file: cannot read " + file + ": " + e.getMessage());
    }
  }

  public Future<Integer> start() {
    server = vertx.createNetServer(new NetServerOptions().setHost(options.host()).setPort(options.port())
        .setTcpNoDelay(true).setIdleTimeout(300));
    server.connectHandler(socket -> {
      BridgeConnection c = new BridgeConnection(this, socket);
      connections.add(c);
      socket.closeHandler(v -> {
        connections.remove(c);
        c.closed();
      });
      c.start();
    });
    return server.listen().map(s -> {
      LOG.info("TCP bridge on {}:{} (services {}, calls {})", options.host(), s.actualPort(), options.services(),
          options.calls());
      return s.actualPort();
    });
  }

  public Future<Void> close() {
    Future<Void> closing = server == null ? Future.succeededFuture() : server.close();
    return closing.eventually(() -> Future.join(connections.stream().map(BridgeConnection::close).toList()))
.mapEmpty();
  }

  // what connections need from their server

  Vertx vertx() {
    return vertx;
  }

  MeshConfig.Bridge options() {
    return options;
  }

  ServiceContext context() {
    return context;
  }

  MeshGate gate() {
    return context.gate();
  }

  boolean tokenMatches(String offered) {
    return offered != null && java.security.MessageDigest.isEqual(token, offered.getBytes(StandardCharsets.UTF_8));
  }

  void refused(String reason) {
    refusals.computeIfAbsent(reason, r -> Counter.builder("gantry_bridge_refused")
        .description("Frames and connections the TCP bridge refused").tag("reason", r).register(registry)).increment();
  }
}
