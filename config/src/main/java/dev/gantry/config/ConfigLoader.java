package dev.gantry.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the layers in order — defaults &lt; YAML file &lt; {@code GANTRY_*} env &lt;
 * {@code gantry.*} system properties &lt; command-line flags — and validates each value where it
 * is read, so an error names the key and its origin (file and line, env var, property or flag).
 */
public final class ConfigLoader {

  static final String HOST_PORT_LIST = "^[^,:\\s]+:\\d{1,5}(,[^,:\\s]+:\\d{1,5})*$";

  static final List<Setting> SETTINGS = List.of(
      Setting.string("http.host", "0.0.0.0", "Interface the gateway listens on."),
      Setting.integer("http.port", 8080, 0, 65535, "Gateway HTTP port; 0 picks a free port."),
      Setting.integer("http.max-body-bytes", 1_048_576, 1, 1L << 31,
          "Largest request body the API routes accept."),
      Setting.integer("http.keep-alive-timeout-ms", 75_000, 1, 3_600_000,
          "Time a connection that has been answered may stay idle before its next request's first byte (nginx's keepalive_timeout); then it is closed quietly."),
      Setting.integer("http.header-timeout-ms", 10_000, 1, 600_000,
          "Time a client connection has to send a request's headers (from connect or the previous response); then 408 and close."),
      Setting.integer("http.body-timeout-ms", 10_000, 1, 3_600_000,
          "Time a request body may take before its rate counts; then it must keep http.min-body-rate, else 408 and close."),
      Setting.integer("http.min-body-rate", 500, 1, 1L << 30,
          "Bytes per second a slow request body must keep up: each such many bytes buy it one more second."),
      Setting.formatted("http.h2c", "off", "^(on|off)$", "on or off",
          "Cleartext HTTP/2 on the gateway port; when on, cleartext HTTP/1.1 connections carry one request each."),
      Setting.string("data-dir", "gantry-data", "Where embedded backends keep their data."),
      Setting.list("roles", List.of("gateway", "services", "analytics"), List.of("gateway", "services", "analytics"),
          "What this node runs."),
      Setting.string("cluster.name", "gantry", "Hazelcast cluster name; nodes join only their own."),
      Setting.string("cluster.host", "127.0.0.1", "Address this node's cluster and event-bus sockets bind to."),
      Setting.integer("cluster.port", 5701, 0, 65535,
          "Hazelcast member port; 0 picks a free port."),
      Setting.list("cluster.join", List.of(), List.of(), "host:port of members to join (TCP-IP)."),
      Setting.formatted("cluster.standalone", "off", "^(on|off)$", "on or off",
          "on: no Hazelcast; the node's routes, limits and event bus are its own (a lean edge node starts in about a second)."),
      Setting.string("cluster.key", "",
          "Cluster key sealing what Gantry keeps in Hazelcast: base64 of 32 random bytes; empty leaves it unsealed."),
      Setting.string("cluster.key-file", "", "File holding the cluster key (base64), instead of cluster.key; several, one a line, while rotating (the first seals)."),
      Setting.string("cluster.tls.cert-file", "", "PEM certificate (chain) this node shows on the event bus; with key-file and ca-file turns on mutual TLS."),
      Setting.string("cluster.tls.key-file", "", "PEM (PKCS#8) private key of cluster.tls.cert-file."),
      Setting.string("cluster.tls.ca-file", "", "PEM cluster CA: the event bus accepts only peers whose certificate it signed."),
      Setting.formatted("bridge.enabled", "off", "^(on|off)$", "on or off",
          "TCP event-bus bridge for services written in other languages."),
      Setting.string("bridge.host", "127.0.0.1", "Interface the TCP bridge listens on."),
      Setting.integer("bridge.port", 7001, 0, 65535, "TCP bridge port; 0 picks a free one."),
      Setting.string("bridge.token", "", "Token a bridge client's first frame must carry (header token)."),
      Setting.string("bridge.token-file", "", "File holding the bridge token, instead of bridge.token."),
      Setting.list("bridge.services", List.of(), List.of(), "Service names bridge clients may register."),
      Setting.list("bridge.calls", List.of(), List.of(), "Services bridge clients may call (gantry.http.<name>)."),
      Setting.integer("bridge.max-frame-bytes", 1 << 20, 64, 64L << 20, "Largest frame a bridge client may send."),
      Setting.formatted("pg.url", "", "^postgres(ql)?://.+", "a postgresql:// URL",
          "Postgres URL; empty starts an embedded Postgres."),
      Setting.integer("pg.pool-size", 8, 1, 200, "Postgres connections per pool."),
      Setting.formatted("redis.url", "", "^(rediss?|unix)://.+", "a redis:// URL",
          "Redis URL; empty starts an embedded Redis."),
      Setting.integer("redis.pool-size", 8, 1, 200, "Redis connections per pool."),
      Setting.formatted("kafka.bootstrap", "", HOST_PORT_LIST, "host:port[,host:port...]",
          "Kafka bootstrap servers; empty starts an embedded broker."),
      Setting.integer("gateway.request-timeout-ms", 5_000, 1, 600_000,
          "Deadline given to each API request; past it the client gets 504."),
      Setting.integer("gateway.instances", 0, 0, 256,
          "Gateway listeners (event loops) sharing the HTTP port; 0 for one per CPU core."),
      Setting.integer("outbox.poll-interval-ms", 500, 10, 60_000,
          "How often the outbox relay looks for unsent events."),
      Setting.integer("orders.idempotency-retention-hours", 24, 1, 8_760,
          "How long the first answer to an order's Idempotency-Key is kept for retries."),
      Setting.integer("orders.orphan-reservation-age-ms", 900_000, 1_000, 86_400_000,
          "How old a stock reservation whose order was never written (its node died placing it) is before its units go back."),
      Setting.integer("analytics.rebuild-interval-ms", 60_000, 1_000, 86_400_000,
          "How often the analytics warehouse rebuilds its SQL models (they are also rebuilt on demand)."),
      Setting.integer("shutdown.grace-ms", 10_000, 0, 14_000,
          "How long in-flight requests may take to finish on SIGTERM."),
      Setting.integer("shutdown.drain-ms", 0, 0, 60_000,
          "On SIGTERM, how long /health/ready answers 503 while the gateway still serves, before it stops accepting."),
      Setting.formatted("log.format", "text", "^(text|json)$", "text or json",
          "Console log format: readable text, or one JSON object a line."),
      Setting.formatted("log.access", "on", "^(on|off)$", "on or off",
          "One access-log line per request (logger gantry.access)."),
      Setting.formatted("tracing.otlp-endpoint", "", "^https?://.+", "an http(s):// URL",
          "OTLP/HTTP collector base URL (spans go to <url>/v1/traces); empty turns tracing off."),
      Setting.integer("tracing.sample-percent", 100, 0, 100,
          "Share of new traces sampled; a sampled caller's trace is always followed."),
      Setting.string("node.zone", "default", "Zone of this node; gateways prefer upstream targets in it."),
      Setting.formatted("node.transport", "auto", "^(auto|io_uring|epoll|nio)$", "auto, io_uring, epoll or nio",
          "Network transport: auto takes epoll, else io_uring where the kernel allows it, else Java NIO; io_uring only when named."),
      Setting.string("routes.file", "", "YAML route file seeding the cluster's route table."),
      Setting.string("admin.host", "127.0.0.1", "Interface of the admin API listener."),
      Setting.integer("admin.port", 9090, 0, 65535, "Admin API port; 0 picks a free one."),
      Setting.string("admin.token", "", "Bearer token of the admin API; empty leaves the admin API off."),
      Setting.list("tls.cert", List.of(), List.of(),
          "PEM certificate chain files of the gateway listener (TLS on); several are chosen by SNI."),
      Setting.list("tls.key", List.of(), List.of(), "PEM private key files, one per tls.cert file, in the same order."),
      Setting.string("tls.keystore", "", "A PKCS#12 store with the listener's keys and chains (instead of tls.cert/tls.key)."),
      Setting.string("tls.keystore-password", "", "Password of tls.keystore."),
      Setting.formatted("tls.self-signed", "off", "^(on|off)$", "on or off",
          "Make a dev certificate for localhost under the data dir and serve HTTPS with it."),
      Setting.formatted("tls.h2", "on", "^(on|off)$", "on or off", "Offer HTTP/2 (ALPN h2) beside HTTP/1.1 over TLS."),
      Setting.integer("tls.redirect-port", -1, -1, 65535,
          "Plain HTTP listener that answers 308 to the HTTPS URL; -1 none, 0 a free port."),
      Setting.integer("tls.hsts-max-age-seconds", 0, 0, 63_072_000,
          "Strict-Transport-Security max-age on HTTPS responses; 0 sends none."),
      Setting.formatted("tls.hsts-include-subdomains", "off", "^(on|off)$", "on or off",
          "Adds includeSubDomains to Strict-Transport-Security."),
      Setting.integer("tls.reload-check-ms", 2_000, 100, 3_600_000,
          "How often the certificate files are checked; a change is loaded without a restart."),
      Setting.formatted("tls.ocsp-stapling", "off", "^(on|off)$", "on or off",
          "Staple OCSP responses (the JDK fetches them from the responder the certificate names)."),
      Setting.integer("http2.max-concurrent-streams", 100, 1, 10_000,
          "HTTP/2 streams a client connection may have open at once."),
      Setting.integer("http2.max-header-list-bytes", 16_384, 1_024, 1_048_576,
          "Largest decoded HTTP/2 header list; a larger one (however many CONTINUATION frames) closes the connection."),
      Setting.integer("http2.max-resets-per-window", 200, 1, 1_000_000,
          "HTTP/2 stream resets per window before the connection is closed (Rapid Reset, CVE-2023-44487)."),
      Setting.integer("http2.reset-window-seconds", 30, 1, 3_600, "The window of http2.max-resets-per-window."));

  private ConfigLoader() {}

  /** Every setting with its env var, property name, default and description (for docs and --help). */
  public static List<String> describe() {
    List<String> lines = new ArrayList<>();
    for (Setting s : SETTINGS) {
      lines.add(String.format("%-28s %-38s default %-14s %s", s.key(), s.envName(),
          s.defaultValue() instanceof List<?> l ? String.join(",", l.stream().map(Object::toString).toList())
              : "\"" + s.defaultValue() + "\"", s.description()));
    }
    return lines;
  }

  /**
   * Loads and validates.
   *
   * @param file       YAML file, or null
   * @param env        environment variables
   * @param properties system properties
   * @param flags      command-line values keyed by setting key
   */
  public static GantryConfig load(Path file, Map<String, String> env, Map<String, String> properties,
      Map<String, String> flags) {
    Map<String, Object> values = new LinkedHashMap<>();
    SETTINGS.forEach(s -> values.put(s.key(), s.defaultValue()));
    if (file != null) {
      readYaml(file, values);
    }
    env.forEach((name, text) -> {
      if (name.startsWith("GANTRY_")) {
        Setting s = SETTINGS.stream().filter(x -> x.envName().equals(name)).findFirst()
            .orElseThrow(() -> new ConfigException("config: unknown environment variable " + name
                + " (GANTRY_* variables are Gantry settings; known: "
                + String.join(", ", SETTINGS.stream().map(Setting::envName).toList()) + ")"));
        values.put(s.key(), s.parse(text, "env " + name));
      }
    });
    properties.forEach((name, text) -> {
      if (name.startsWith("gantry.")) {
        Setting s = SETTINGS.stream().filter(x -> x.propertyName().equals(name)).findFirst()
            .orElseThrow(() -> new ConfigException("config: unknown system property " + name));
        values.put(s.key(), s.parse(text, "system property " + name));
      }
    });
    flags.forEach((key, text) -> values.put(key, setting(key, "command line").parse(text,
        "command line")));
    return build(values);
  }

  private static Setting setting(String key, String origin) {
    return SETTINGS.stream().filter(s -> s.key().equals(key)).findFirst()
        .orElseThrow(() -> new ConfigException("config: unknown key " + key + " (" + origin + ")"));
  }

  private static void readYaml(Path file, Map<String, Object> values) {
    Node root;
    try (Reader reader = Files.newBufferedReader(file)) {
      root = new Yaml(new LoaderOptions()).compose(reader);
    } catch (MarkedYAMLException e) {
      throw new ConfigException("config: " + file + " line " + (e.getProblemMark().getLine() + 1)
          + ": not valid YAML: " + e.getProblem());
    } catch (YAMLException e) {
      // the reader's own refusals carry no line: bytes that are not UTF-8, characters YAML forbids
      throw new ConfigException("config: " + file + ": not valid YAML: " + (e.getCause() instanceof CharacterCodingException
          ? "not UTF-8" : e instanceof ReaderException r ? String.format("character 0x%X at position %d is not allowed",
          r.getCodePoint(), r.getPosition() + 1) : String.valueOf(e.getMessage()).replaceAll("\\s+", " ")));
    } catch (IllegalArgumentException e) {
      // SnakeYAML's scanner lets Integer.parseInt fail on a backslash-u escape cut short by the end of the text, and its Tag on a bad tag
      throw new ConfigException("config: " + file + ": not valid YAML: " + (e instanceof NumberFormatException
          ? "an escape sequence without its hex digits" : String.valueOf(e.getMessage())));
    } catch (IOException e) {
      throw new ConfigException("config: cannot read " + file + ": " + e.getMessage());
    }
    if (root == null) {
      return;
    }
    if (!(root instanceof MappingNode mapping)) {
      throw new ConfigException("config: " + file + " line 1: expected a mapping of settings");
    }
    walk(file, "", mapping, values);
  }

  private static void walk(Path file, String prefix, MappingNode mapping, Map<String, Object> values) {
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      String origin = file + " line " + (keyNode.getStartMark().getLine() + 1);
      if (!(keyNode instanceof ScalarNode keyScalar)) {
        throw new ConfigException("config: keys must be plain words (" + origin + ")");
      }
      String key = prefix + keyScalar.getValue();
      Node value = tuple.getValueNode();
      boolean isSection = SETTINGS.stream().anyMatch(s -> s.key().startsWith(key + "."));
      if (isSection) {
        if (!(value instanceof MappingNode section)) {
          throw new ConfigException("config: " + key + ": expected a section of settings (" + origin + ")");
        }
        walk(file, key + ".", section, values);
        continue;
      }
      Setting s = setting(key, origin);
      if (value instanceof ScalarNode scalar) {
        values.put(key, s.parse(scalar.getValue(), origin));
      } else if (value instanceof SequenceNode seq && s.kind() == Setting.Kind.LIST) {
        List<String> items = new ArrayList<>();
        for (Node item : seq.getValue()) {
          if (!(item instanceof ScalarNode itemScalar)) {
            throw s.fail("expected a list of plain values", origin);
          }
          items.add(itemScalar.getValue().trim());
        }
        values.put(key, s.checkList(items, origin));
      } else {
        throw s.fail("expected " + (s.kind() == Setting.Kind.LIST ? "a list" : "a plain value")
            + ", got a " + (value instanceof MappingNode ? "mapping" : "sequence"), origin);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static GantryConfig build(Map<String, Object> v) {
    List<String> roleIds = (List<String>) v.get("roles");
    if (roleIds.isEmpty()) {
      throw new ConfigException("config: roles: at least one of gateway, services, analytics is needed");
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    roleIds.forEach(r -> roles.add(Role.of(r)));
    if (((String) v.get("node.zone")).isBlank()) {
      throw new ConfigException("config: node.zone: must not be empty");
    }
    List<String> join = (List<String>) v.get("cluster.join");
    for (String member : join) {
      if (!member.matches(HOST_PORT_LIST)) {
        throw new ConfigException("config: cluster.join: expected host:port, got \"" + member + "\"");
      }
    }
    boolean standalone = "on".equals(v.get("cluster.standalone"));
    if (standalone) {
      // A standalone node has no cluster to join, seal or secure: a setting for one is a mistake.
      for (String key : List.of("cluster.join", "cluster.key", "cluster.key-file", "cluster.tls.cert-file",
            "cluster.tls.key-file", "cluster.tls.ca-file")) {
        Object value = v.get(key);
        if (value instanceof List<?> list ? !list.isEmpty() : !((String) value).isEmpty()) {
          throw new ConfigException("config: cluster.standalone is on, so " + key
              + " has nothing to act on: a standalone node joins no cluster (drop one of them)");
        }
      }
    }
    TlsConfig tls = tls(v);
    return new GantryConfig(
        (String) v.get("http.host"),
        ((Long) v.get("http.port")).intValue(),
        (Long) v.get("http.max-body-bytes"),
        (Long) v.get("http.header-timeout-ms"),
        (Long) v.get("http.keep-alive-timeout-ms"),
        (Long) v.get("http.body-timeout-ms"),
        (Long) v.get("http.min-body-rate"),
        "on".equals(v.get("http.h2c")),
        Path.of((String) v.get("data-dir")),
        roles,
        (String) v.get("cluster.name"),
        (String) v.get("cluster.host"),
        ((Long) v.get("cluster.port")).intValue(),
        join,
        standalone,
        nonEmpty(v.get("pg.url")),
        ((Long) v.get("pg.pool-size")).intValue(),
        nonEmpty(v.get("redis.url")),
        ((Long) v.get("redis.pool-size")).intValue(),
        nonEmpty(v.get("kafka.bootstrap")),
        (Long) v.get("gateway.request-timeout-ms"),
        ((Long) v.get("gateway.instances")).intValue(),
        (Long) v.get("outbox.poll-interval-ms"),
        (Long) v.get("orders.idempotency-retention-hours"),
        (Long) v.get("orders.orphan-reservation-age-ms"),
        (Long) v.get("analytics.rebuild-interval-ms"),
        (Long) v.get("shutdown.grace-ms"),
        (Long) v.get("shutdown.drain-ms"),
        (String) v.get("log.format"),
        "on".equals(v.get("log.access")),
        nonEmpty(v.get("tracing.otlp-endpoint")),
        ((Long) v.get("tracing.sample-percent")).intValue(),
        (String) v.get("node.zone"),
        (String) v.get("node.transport"),
        nonEmpty(v.get("routes.file")).map(Path::of),
        (String) v.get("admin.host"),
        ((Long) v.get("admin.port")).intValue(),
        nonEmpty(v.get("admin.token")),
        mesh(v),
        tls,
        new Http2Config(((Long) v.get("http2.max-concurrent-streams")).intValue(),
            ((Long) v.get("http2.max-header-list-bytes")).intValue(),
            ((Long) v.get("http2.max-resets-per-window")).intValue(),
            ((Long) v.get("http2.reset-window-seconds")).intValue()));
  }

  /** The tls.* keys, checked together: which certificate source, readable files, what needs TLS on. */
  @SuppressWarnings("unchecked")
  private static TlsConfig tls(Map<String, Object> v) {
    List<Path> certs = ((List<String>) v.get("tls.cert")).stream().map(Path::of).toList();
    List<Path> keys = ((List<String>) v.get("tls.key")).stream().map(Path::of).toList();
    Optional<Path> keystore = nonEmpty(v.get("tls.keystore")).map(Path::of);
    boolean selfSigned = "on".equals(v.get("tls.self-signed"));
    if (certs.size() != keys.size()) {
      throw new ConfigException("config: tls.key: expected one key file per tls.cert file, got " + certs.size()
          + " certificate" + (certs.size() == 1 ? "" : "s") + " and " + keys.size() + " key" + (keys.size() == 1 ? "" : "s"));
    }
    if (keystore.isPresent() && !certs.isEmpty()) {
      throw new ConfigException("config: tls.keystore: give either tls.cert and tls.key or tls.keystore, not both");
    }
    if (selfSigned && (keystore.isPresent() || !certs.isEmpty())) {
      throw new ConfigException("config: tls.self-signed: on makes its own certificate; remove tls.cert, tls.key "
          + "and tls.keystore, or turn it off");
    }
    if (keystore.isEmpty() && !((String) v.get("tls.keystore-password")).isEmpty()) {
      throw new ConfigException("config: tls.keystore-password: given without tls.keystore");
    }
    readable("tls.cert", certs);
    readable("tls.key", keys);
    readable("tls.keystore", keystore.stream().toList());
    TlsConfig tls = new TlsConfig(certs, keys, keystore, (String) v.get("tls.keystore-password"), selfSigned,
        "on".equals(v.get("tls.h2")), ((Long) v.get("tls.redirect-port")).intValue(),
        (Long) v.get("tls.hsts-max-age-seconds"), "on".equals(v.get("tls.hsts-include-subdomains")),
        (Long) v.get("tls.reload-check-ms"), "on".equals(v.get("tls.ocsp-stapling")));
    if (!tls.enabled()) {
      for (String key : List.of("tls.redirect-port", "tls.hsts-max-age-seconds")) {
        if (((Long) v.get(key)) > (key.equals("tls.redirect-port") ? -1 : 0)) {
          throw new ConfigException("config: " + key + ": needs TLS on (tls.cert and tls.key, tls.keystore or "
              + "tls.self-signed)");
        }
      }
    }
    int httpPort = ((Long) v.get("http.port")).intValue();
    if (tls.redirectPort() > 0 && tls.redirectPort() == httpPort) {
      throw new ConfigException("config: tls.redirect-port: must differ from http.port (" + httpPort + ")");
    }
    return tls;
  }

  private static void readable(String key, List<Path> files) {
    for (Path file : files) {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new ConfigException("config: " + key + ": cannot read " + file);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static MeshConfig mesh(Map<String, Object> v) {
    Optional<String> key = nonEmpty(v.get("cluster.key"));
    Optional<Path> keyFile = nonEmpty(v.get("cluster.key-file")).map(Path::of);
    if (key.isPresent() && keyFile.isPresent()) {
      throw new ConfigException("config: cluster.key and cluster.key-file: give one of them, not both");
    }
    key.ifPresent(k -> ClusterKeys.decode(k, "cluster.key"));
    List<Optional<Path>> tlsFiles = List.of(nonEmpty(v.get("cluster.tls.cert-file")).map(Path::of),
        nonEmpty(v.get("cluster.tls.key-file")).map(Path::of), nonEmpty(v.get("cluster.tls.ca-file")).map(Path::of));
    long given = tlsFiles.stream().filter(Optional::isPresent).count();
    if (given != 0 && given != 3) {
      throw new ConfigException("config: cluster.tls: cert-file, key-file and ca-file go together; missing "
          + String.join(", ", java.util.stream.IntStream.range(0, 3).filter(i -> tlsFiles.get(i).isEmpty())
              .mapToObj(i -> List.of("cluster.tls.cert-file", "cluster.tls.key-file", "cluster.tls.ca-file").get(i)).toList()));
    }
    Optional<MeshConfig.ClusterTls> tls = given == 0 ? Optional.empty()
        : Optional.of(new MeshConfig.ClusterTls(tlsFiles.get(0).get(), tlsFiles.get(1).get(), tlsFiles.get(2).get()));
    Optional<String> token = nonEmpty(v.get("bridge.token"));
    Optional<Path> tokenFile = nonEmpty(v.get("bridge.token-file")).map(Path::of);
    boolean bridgeOn = "on".equals(v.get("bridge.enabled"));
    if (token.isPresent() && tokenFile.isPresent()) {
      throw new ConfigException("config: bridge.token and bridge.token-file: give one of them, not both");
    }
    if (bridgeOn && token.isEmpty() && tokenFile.isEmpty()) {
      throw new ConfigException("config: bridge.enabled is on but neither bridge.token nor bridge.token-file is set");
    }
    if (token.isPresent() && token.get().length() < 16) {
      throw new ConfigException("config: bridge.token: at least 16 characters, got " + token.get().length());
    }
    List<String> services = (List<String>) v.get("bridge.services");
    List<String> calls = (List<String>) v.get("bridge.calls");
    for (String listKey : List.of("bridge.services", "bridge.calls")) {
      for (String service : (List<String>) v.get(listKey)) {
        if (!service.matches("^[a-z0-9][a-z0-9-]{0,62}$")) {
          throw new ConfigException("config: " + listKey + ": expected service names (a-z, 0-9, -), got \"" + service + "\"");
        }
      }
    }
    return new MeshConfig(key, keyFile, tls, new MeshConfig.Bridge(bridgeOn, (String) v.get("bridge.host"),
        ((Long) v.get("bridge.port")).intValue(), token, tokenFile, services, calls,
        ((Long) v.get("bridge.max-frame-bytes")).intValue()));
  }

  private static Optional<String> nonEmpty(Object value) {
    String s = (String) value;
    return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
  }
}
