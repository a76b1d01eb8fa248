package dev.gantry.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The validated configuration of one Gantry node. Immutable; built only by {@link ConfigLoader}.
 * An empty backend URL means "start the embedded one (or use the cluster's)".
 */
public record GantryConfig(
    String httpHost,
    int httpPort,
    long maxBodyBytes,
    long headerTimeoutMillis,
    long keepAliveTimeoutMillis,
    long bodyTimeoutMillis,
    long minBodyRate,
    boolean h2c,
    Path dataDir,
    Set<Role> roles,
    String clusterName,
    String clusterHost,
    int clusterPort,
    List<String> clusterJoin,
    boolean standalone,
    Optional<String> pgUrl,
    int pgPoolSize,
    Optional<String> redisUrl,
    int redisPoolSize,
    Optional<String> kafkaBootstrap,
    long requestTimeoutMillis,
    int gatewayInstances,
    long outboxPollMillis,
    long idempotencyRetentionHours,
    long orphanReservationAgeMillis,
    long analyticsRebuildMillis,
    long shutdownGraceMillis,
    long shutdownDrainMillis,
    String logFormat,
    boolean accessLog,
    Optional<String> otlpEndpoint,
    int samplePercent,
    String zone,
    String transport,
    Optional<Path> routesFile,
    String adminHost,
    int adminPort,
    Optional<String> adminToken,
    MeshConfig mesh,
    TlsConfig tls,
    Http2Config http2) {

  public GantryConfig {
    roles = Set.copyOf(roles);
    clusterJoin = List.copyOf(clusterJoin);
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  /** A copy with other endpoints (used when embedded or cluster-shared backends are resolved). */
  public GantryConfig withBackends(String pg, String redis, String kafka) {
    return new GantryConfig(httpHost, httpPort, maxBodyBytes, headerTimeoutMillis, keepAliveTimeoutMillis, bodyTimeoutMillis, minBodyRate, h2c,
        dataDir, roles, clusterName,
        clusterHost, clusterPort, clusterJoin, standalone, Optional.of(pg), pgPoolSize, Optional.of(redis),
        redisPoolSize, Optional.of(kafka), requestTimeoutMillis, gatewayInstances, outboxPollMillis, idempotencyRetentionHours,
        orphanReservationAgeMillis,
        analyticsRebuildMillis, shutdownGraceMillis, shutdownDrainMillis,
        logFormat, accessLog, otlpEndpoint, samplePercent, zone, transport, routesFile, adminHost, adminPort, adminToken, mesh, tls, http2);
  }

  /** The configuration as JSON with secrets (passwords in URLs) redacted; safe to log or serve. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("http", new JsonObject().put("host", httpHost).put("port", httpPort)
            .put("max-body-bytes", maxBodyBytes).put("header-timeout-ms", headerTimeoutMillis)
            .put("keep-alive-timeout-ms", keepAliveTimeoutMillis)
            .put("body-timeout-ms", bodyTimeoutMillis).put("min-body-rate", minBodyRate).put("h2c", h2c ? "on" : "off"))
        .put("data-dir", dataDir.toString())
        .put("roles", new JsonArray(roles.stream().map(Role::id).sorted().toList()))
        .put("cluster", new JsonObject().put("name", clusterName).put("host", clusterHost)
            .put("port", clusterPort).put("join", new JsonArray(clusterJoin))
            .put("standalone", standalone ? "on" : "off").mergeIn(mesh.clusterJson()))
        .put("pg", new JsonObject().put("url", pgUrl.map(Secrets::redactUrl).orElse(""))
            .put("pool-size", pgPoolSize))
        .put("redis", new JsonObject().put("url", redisUrl.map(Secrets::redactUrl).orElse(""))
            .put("pool-size", redisPoolSize))
        .put("kafka", new JsonObject().put("bootstrap", kafkaBootstrap.orElse("")))
        .put("gateway", new JsonObject().put("request-timeout-ms", requestTimeoutMillis)
            .put("instances", gatewayInstances))
        .put("outbox", new JsonObject().put("poll-interval-ms", outboxPollMillis))
        .put("orders", new JsonObject().put("idempotency-retention-hours", idempotencyRetentionHours)
            .put("orphan-reservation-age-ms", orphanReservationAgeMillis))
        .put("analytics", new JsonObject().put("rebuild-interval-ms", analyticsRebuildMillis))
        .put("shutdown", new JsonObject().put("grace-ms", shutdownGraceMillis)
            .put("drain-ms", shutdownDrainMillis))
        .put("log", new JsonObject().put("format", logFormat).put("access", accessLog ? "on" : "off"))
        .put("tracing", new JsonObject().put("otlp-endpoint", otlpEndpoint.orElse(""))
            .put("sample-percent", samplePercent))
        .put("node", new JsonObject().put("zone", zone).put("transport", transport))
        .put("routes", new JsonObject().put("file", routesFile.map(Path::toString).orElse("")))
        .put("admin", new JsonObject().put("host", adminHost).put("port", adminPort)
            .put("token", adminToken.isPresent() ? "****" : ""))
        .put("tls", new JsonObject()
            .put("cert", new JsonArray(tls.certs().stream().map(Path::toString).toList()))
            .put("key", new JsonArray(tls.keys().stream().map(Path::toString).toList()))
            .put("keystore", tls.keystore().map(Path::toString).orElse(""))
            .put("keystore-password", tls.keystorePassword().isEmpty() ? "" : "****")
            .put("self-signed", tls.selfSigned() ? "on" : "off").put("h2", tls.h2() ? "on" : "off")
            .put("redirect-port", tls.redirectPort()).put("hsts-max-age-seconds", tls.hstsMaxAgeSeconds())
            .put("hsts-include-subdomains", tls.hstsIncludeSubdomains() ? "on" : "off")
            .put("reload-check-ms", tls.reloadCheckMillis()).put("ocsp-stapling", tls.ocspStapling() ? "on" : "off"))
        .put("http2", new JsonObject().put("max-concurrent-streams", http2.maxConcurrentStreams())
            .put("max-header-list-bytes", http2.maxHeaderListBytes())
            .put("max-resets-per-window", http2.maxResetsPerWindow())
            .put("reset-window-seconds", http2.resetWindowSeconds()));
    return json.put("bridge", mesh.bridgeJson());
  }
}
