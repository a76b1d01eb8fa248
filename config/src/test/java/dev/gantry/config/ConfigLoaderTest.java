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
}
