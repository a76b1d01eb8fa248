package dev.gantry.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What protects the cluster and who may join its bus: the cluster key sealing what Gantry keeps in
 * Hazelcast ({@code cluster.key} or {@code cluster.key-file}), the event bus's mutual TLS
 * ({@code cluster.tls.*}: all three files or none), and the TCP event-bus bridge for services in
 * other languages ({@code bridge.*}). Validated by {@link ConfigLoader}; the files are read by the
 * runtime when the node starts.
 */
public record MeshConfig(
    Optional<String> clusterKey,
    Optional<Path> clusterKeyFile,
    Optional<ClusterTls> tls,
    Bridge bridge) {

  /** The node's certificate chain, its private key (PKCS#8 PEM) and the cluster CA, all PEM files. */
  public record ClusterTls(Path certFile, Path keyFile, Path caFile) {}

  /**
   * The TCP bridge: off unless {@code enabled}; a client's first frame must carry the token;
   * {@code services} lists the service names bridge clients may register, {@code calls} the
   * services they may call.
   */
  public record Bridge(boolean enabled, String host, int port, Optional<String> token, Optional<Path> tokenFile,
      List<String> services, List<String> calls, int maxFrameBytes) {
    public Bridge {
      services = List.copyOf(services);
      calls = List.copyOf(calls);
    }
  }

  public static MeshConfig none() {
    return new MeshConfig(Optional.empty(), Optional.empty(), Optional.empty(),
        new Bridge(false, "127.0.0.1", 7001, Optional.empty(), Optional.empty(), List.of(), List.of(), 1 << 20));
  }

  public boolean sealed() {
    return clusterKey.isPresent() || clusterKeyFile.isPresent();
  }

  /** As JSON, secrets replaced by {@code ****}. */
  JsonObject clusterJson() {
    JsonObject json = new JsonObject().put("key", clusterKey.isPresent() ? "****" : "")
        .put("key-file", clusterKeyFile.map(Path::toString).orElse(""));
    json.put("tls", new JsonObject()
        .put("cert-file", tls.map(t -> t.certFile().toString()).orElse(""))
        .put("key-file", tls.map(t -> t.keyFile().toString()).orElse(""))
        .put("ca-file", tls.map(t -> t.caFile().toString()).orElse("")));
    return json;
  }

  JsonObject bridgeJson() {
    return new JsonObject().put("enabled", bridge.enabled() ? "on" : "off").put("host", bridge.host())
        .put("port", bridge.port()).put("token", bridge.token().isPresent() ? "****" : "")
        .put("token-file", bridge.tokenFile().map(Path::toString).orElse(""))
        .put("services", new JsonArray(bridge.services())).put("calls", new JsonArray(bridge.calls())).put("max-frame-bytes", bridge.maxFrameBytes());
  }
}
