package dev.gantry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path yaml(String text) throws IOException {
    Path file = dir.resolve("gantry.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void defaultsStartBothRolesWithEmbeddedBackends() {
    GantryConfig c = ConfigLoader.load(null, Map.of(), Map.of(), Map.of());
    assertEquals(8080, c.httpPort());
    assertEquals(Set.of(Role.GATEWAY, Role.SERVICES, Role.ANALYTICS), c.roles());
    assertEquals(Optional.empty(), c.pgUrl());
    assertEquals(Path.of("gantry-data"), c.dataDir());
  }

  @Test
  void laterLayersWin() throws IOException {
    Path file = yaml("http:\n  port: 9000\n  host: 127.0.0.1\npg:\n  url: postgresql://a@h/db\nroles: [services]\n");
    GantryConfig fromFile = ConfigLoader.load(file, Map.of(), Map.of(), Map.of());
    assertEquals(9000, fromFile.httpPort());
    assertEquals(Set.of(Role.SERVICES), fromFile.roles());
    assertEquals(Optional.of("postgresql://a@h/db"), fromFile.pgUrl());

    GantryConfig fromEnv = ConfigLoader.load(file, Map.of("GANTRY_HTTP_PORT", "9100", "PATH", "/bin"),
        Map.of(), Map.of());
    assertEquals(9100, fromEnv.httpPort());
    GantryConfig fromProp = ConfigLoader.load(file, Map.of("GANTRY_HTTP_PORT", "9100"),
        Map.of("gantry.http.port", "9200"), Map.of());
    assertEquals(9200, fromProp.httpPort());
    GantryConfig fromFlag = ConfigLoader.load(file, Map.of("GANTRY_HTTP_PORT", "9100"),
        Map.of("gantry.http.port", "9200"), Map.of("http.port", "0"));
    assertEquals(0, fromFlag.httpPort());
    assertEquals("127.0.0.1", fromFlag.httpHost());
  }

  @Test
  void unknownYamlKeyNamesFileAndLine() throws IOException {
    Path file = yaml("http:\n  port: 9000\n  prot: 1\n");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(file, Map.of(), Map.of(), Map.of()));
    assertEquals("config: unknown key http.prot (" + file + " line 3)", e.getMessage());
  }

  @Test
  void wrongTypeFromEnvNamesTheVariable() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of("GANTRY_HTTP_PORT", "eighty"), Map.of(), Map.of()));
    assertEquals("config: http.port: expected an integer from 0 to 65535, got \"eighty\" "
        + "(env GANTRY_HTTP_PORT)", e.getMessage());
  }

  @Test
  void outOfRangeAndBadFormatsAreRefused() throws IOException {
    Path file = yaml("pg:\n  pool-size: 0\n");
    ConfigException range = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(file, Map.of(), Map.of(), Map.of()));
    assertEquals("config: pg.pool-size: expected an integer from 1 to 200, got 0 (" + file
        + " line 2)", range.getMessage());

    ConfigException url = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
        Map.of("GANTRY_PG_URL", "mysql://u:hunter2@h/db"), Map.of(), Map.of()));
    assertTrue(url.getMessage().startsWith("config: pg.url: expected a postgresql:// URL"));
    assertFalse(url.getMessage().contains("hunter2"), "a password must never be echoed");

    ConfigException role = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of(), Map.of("gantry.roles", "gateway,db"), Map.of()));
    assertEquals("config: roles: expected a list of gateway|services|analytics, got \"db\" "
        + "(system property gantry.roles)", role.getMessage());
  }

  @Test
  void unknownGantryEnvVarIsRefused() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of("GANTRY_HTTP_PROT", "1"), Map.of(), Map.of()));
    assertTrue(e.getMessage().startsWith("config: unknown environment variable GANTRY_HTTP_PROT"));
  }

  @Test
  void aFileThatIsNotUtf8OrHoldsCharactersYamlForbidsIsRefusedNamingTheFile() throws IOException {
    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(latin1, new byte[] {'n', 'o', 'd', 'e', ':', '\n', ' ', ' ', 'z', 'o', 'n', 'e', ':', ' ', (byte) 0xE9});
    assertEquals("config: " + latin1 + ": not valid YAML: not UTF-8", assertThrows(ConfigException.class,
        () -> ConfigLoader.load(latin1, Map.of(), Map.of(), Map.of())).getMessage());
    Path nul = yaml("node:\n  zone: a\u0000b\n");
    assertEquals("config: " + nul + ": not valid YAML: character 0x0 at position 16 is not allowed",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(nul, Map.of(), Map.of(), Map.of())).getMessage());
    Path escape = yaml("node:\n  zone: \"\\u"); // the file ends in the middle of the escape
    assertEquals("config: " + escape + ": not valid YAML: an escape sequence without its hex digits",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(escape, Map.of(), Map.of(), Map.of())).getMessage());
  }

  @Test
  void aControlCharacterInAnyValueIsRefusedNamingTheKeyNotThrownByPathOf() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
        Map.of("GANTRY_TLS_KEYSTORE", "store\u0000.p12"), Map.of(), Map.of()));
    assertEquals("config: tls.keystore: control character 0x00 at position 6 (env GANTRY_TLS_KEYSTORE)", e.getMessage());
  }

  @Test
  void malformedYamlNamesTheLine() throws IOException {
    Path file = yaml("http:\n  port: 1\n bad: [\n");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(file, Map.of(), Map.of(), Map.of()));
    assertTrue(e.getMessage().startsWith("config: " + file + " line "), e.getMessage());
  }

  @Test
  void redactedJsonHidesPasswords() {
    GantryConfig c = ConfigLoader.load(null, Map.of("GANTRY_PG_URL", "postgresql://u:hunter2@h:5432/db",
        "GANTRY_CLUSTER_JOIN", "127.0.0.1:5701,127.0.0.1:5702"), Map.of(), Map.of());
    assertEquals(List.of("127.0.0.1:5701", "127.0.0.1:5702"), c.clusterJoin());
    assertEquals("postgresql://u:****@h:5432/db", c.toJson().getJsonObject("pg").getString("url"));
  }

  @Test
  void tlsTakesPemPairsFromAnyLayerAndRedactsTheKeystorePassword() throws IOException {
    Path cert = Files.writeString(dir.resolve("a.pem"), "cert");
    Path key = Files.writeString(dir.resolve("a.key"), "key");
    Path file = yaml("tls:\n  cert: [" + cert + "]\n  key: [" + key + "]\n  redirect-port: 8081\n"
        + "  hsts-max-age-seconds: 600\nhttp2:\n  max-concurrent-streams: 50\n");
    GantryConfig c = ConfigLoader.load(file, Map.of(), Map.of(), Map.of());
    assertTrue(c.tls().enabled());
    assertEquals(List.of(cert), c.tls().certs());
    assertEquals(8081, c.tls().redirectPort());
    assertEquals(50, c.http2().maxConcurrentStreams());
    Path store = Files.writeString(dir.resolve("s.p12"), "store");
    GantryConfig p12 = ConfigLoader.load(null, Map.of("GANTRY_TLS_KEYSTORE", store.toString(),
        "GANTRY_TLS_KEYSTORE_PASSWORD", "hunter2"), Map.of(), Map.of());
    assertFalse(p12.toJson().encode().contains("hunter2"));
    assertTrue(ConfigLoader.load(null, Map.of(), Map.of(), Map.of("tls.self-signed", "on")).tls().enabled());
    assertFalse(ConfigLoader.load(null, Map.of(), Map.of(), Map.of()).tls().enabled());
  }

  @Test
  void tlsMistakesNameTheKey() throws IOException {
    Path cert = Files.writeString(dir.resolve("a.pem"), "cert");
    assertEquals("config: tls.key: expected one key file per tls.cert file, got 1 certificate and 0 keys",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("GANTRY_TLS_CERT", cert.toString()),
            Map.of(), Map.of())).getMessage());
    assertEquals("config: tls.cert: cannot read " + dir.resolve("missing.pem"),
        assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("GANTRY_TLS_CERT",
            dir.resolve("missing.pem").toString(), "GANTRY_TLS_KEY", cert.toString()), Map.of(), Map.of())).getMessage());
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("GANTRY_TLS_REDIRECT_PORT", "80"),
        Map.of(), Map.of())).getMessage().startsWith("config: tls.redirect-port: needs TLS on"));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("GANTRY_TLS_SELF_SIGNED", "on",
        "GANTRY_TLS_CERT", cert.toString(), "GANTRY_TLS_KEY", cert.toString()), Map.of(), Map.of()))
        .getMessage().startsWith("config: tls.self-signed:"));
    assertEquals("config: tls.self-signed: expected on or off, got \"yes\" (env GANTRY_TLS_SELF_SIGNED)",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("GANTRY_TLS_SELF_SIGNED", "yes"),
            Map.of(), Map.of())).getMessage());
    assertEquals("config: http2.max-concurrent-streams: expected an integer from 1 to 10000, got 0 (env GANTRY_HTTP2_MAX_CONCURRENT_STREAMS)",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("GANTRY_HTTP2_MAX_CONCURRENT_STREAMS", "0"),
            Map.of(), Map.of())).getMessage());
  }

  @Test
  void aStandaloneNodeRefusesClusterSettingsItCouldNotActOn() throws IOException {
    assertFalse(ConfigLoader.load(null, Map.of(), Map.of(), Map.of()).standalone());
    GantryConfig lean = ConfigLoader.load(null, Map.of("GANTRY_CLUSTER_STANDALONE", "on"), Map.of(),
        Map.of("roles", "gateway"));
    assertTrue(lean.standalone());
    assertEquals("on", lean.toJson().getJsonObject("cluster").getString("standalone"));
    assertEquals("config: cluster.standalone is on, so cluster.join has nothing to act on: a standalone node joins "
        + "no cluster (drop one of them)", assertThrows(ConfigException.class, () -> ConfigLoader.load(
            yaml("cluster:\n  standalone: on\n  join: [127.0.0.1:5701]\n"), Map.of(), Map.of(), Map.of())).getMessage());
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("GANTRY_CLUSTER_KEY",
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="), Map.of(), Map.of("cluster.standalone", "on")))
        .getMessage().startsWith("config: cluster.standalone is on, so cluster.key has nothing to act on"));
    assertEquals("config: cluster.standalone: expected on or off, got \"true\" (env GANTRY_CLUSTER_STANDALONE)",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("GANTRY_CLUSTER_STANDALONE", "true"),
            Map.of(), Map.of())).getMessage());
  }
}
