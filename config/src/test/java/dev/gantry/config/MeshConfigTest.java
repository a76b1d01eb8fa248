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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster key, cluster TLS and bridge settings: read from every layer, refused by name. */
class MeshConfigTest {
  private static final String KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="; // 32 bytes
  @TempDir Path dir;

  private static String error(Map<String, String> flags) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(), Map.of(), flags)).getMessage();
  }

  @Test
  void aYamlFileSetsTheClusterKeyTlsAndBridgeAndSecretsAreRedacted() throws IOException {
    Path file = dir.resolve("gantry.yaml");
    Files.writeString(file, """
        cluster:
          key: %s
          tls: {cert-file: /c/node.pem, key-file: /c/node-key.pem, ca-file: /c/ca.pem}
        bridge:
          enabled: on
          token: a-token-of-twenty-chars
          services: [pricing, quotes]
          calls: [catalog]
        """.formatted(KEY));
    GantryConfig c = ConfigLoader.load(file, Map.of(), Map.of(), Map.of());
    assertTrue(c.mesh().sealed());
    assertEquals(Path.of("/c/ca.pem"), c.mesh().tls().orElseThrow().caFile());
    assertTrue(c.mesh().bridge().enabled());
    assertEquals(List.of("pricing", "quotes"), c.mesh().bridge().services());
    assertEquals(List.of("catalog"), c.mesh().bridge().calls());
    String json = c.toJson().encode();
    assertFalse(json.contains(KEY), json);
    assertFalse(json.contains("a-token-of-twenty-chars"), json);
    assertTrue(json.contains("\"key\":\"****\""), json);
  }

  @Test
  void badValuesAreRefusedNamingTheKeyAndNeverEchoingTheSecret() {
    assertTrue(error(Map.of("cluster.key", "not base64!")).startsWith("config: cluster.key: not base64"));
    assertEquals("config: cluster.key: expected 32 bytes, got 6", error(Map.of("cluster.key", "c2VjcmV0")));
    assertFalse(error(Map.of("cluster.key", "c2VjcmV0")).contains("c2VjcmV0"));
    assertEquals("config: cluster.key and cluster.key-file: give one of them, not both",
        error(Map.of("cluster.key", KEY, "cluster.key-file", "/k")));
    assertEquals("config: cluster.tls: cert-file, key-file and ca-file go together; missing cluster.tls.key-file, cluster.tls.ca-file",
        error(Map.of("cluster.tls.cert-file", "/c/node.pem")));
    assertEquals("config: bridge.enabled is on but neither bridge.token nor bridge.token-file is set",
        error(Map.of("bridge.enabled", "on")));
    assertEquals("config: bridge.token: at least 16 characters, got 5", error(Map.of("bridge.token", "short")));
    assertEquals("config: bridge.services: expected service names (a-z, 0-9, -), got \"Pricing!\"",
        error(Map.of("bridge.services", "Pricing!")));
  }

  @Test
  void environmentVariablesFollowTheKeyPath() {
    GantryConfig c = ConfigLoader.load(null, Map.of("GANTRY_CLUSTER_KEY_FILE", "/run/key", "GANTRY_BRIDGE_CALLS", "a,b"),
        Map.of(), Map.of());
    assertEquals(Path.of("/run/key"), c.mesh().clusterKeyFile().orElseThrow());
    assertEquals(List.of("a", "b"), c.mesh().bridge().calls());
    assertFalse(c.mesh().bridge().enabled());
  }
}
