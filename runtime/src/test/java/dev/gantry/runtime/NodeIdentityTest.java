package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.config.ConfigException;
import dev.gantry.runtime.cluster.ClusterCa;
import dev.gantry.runtime.mesh.NodeIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's certificate names the services it may run; in TLS mode it runs nothing else. */
class NodeIdentityTest {
  @TempDir Path dir;

  @Test
  void theIdentitiesAreTheServiceUrisOfThisClusterInTheCertificate() {
    ClusterCa ca = ClusterCa.in(dir, "shop");
    ca.issue("n1", List.of("127.0.0.1"), List.of("catalog", "pricing"));
    assertEquals(Set.of("catalog", "pricing"), NodeIdentity.of(ca.certFileOf("n1"), "shop").services());
    assertEquals(Set.of(), NodeIdentity.of(ca.certFileOf("n1"), "other-cluster").services());
    assertTrue(assertThrows(ConfigException.class, () -> NodeIdentity.of(ca.keyFileOf("n1"), "shop")).getMessage()
        .startsWith("config: cluster.tls.cert-file: cannot read a certificate from"));
  }

  @Test
  void aNodeWhoseCertificateDoesNotNameTheGatewayDoesNotStartOne() throws Exception {
    String cluster = TestNodes.uniqueCluster("identity");
    ClusterCa ca = ClusterCa.in(dir, cluster);
    ca.issue("n1", List.of("127.0.0.1"), List.of("catalog"));
    Map<String, String> flags = TestNodes.base(cluster);
    flags.put("roles", "gateway");
    flags.put("cluster.key-file", ca.clusterKeyFile().toString());
    flags.put("cluster.tls.cert-file", ca.certFileOf("n1").toString());
    flags.put("cluster.tls.key-file", ca.keyFileOf("n1").toString());
    flags.put("cluster.tls.ca-file", ca.caFile().toString());
    Throwable refused = assertThrows(Exception.class,
        () -> Gantry.start(TestNodes.config(flags)).await(2, TimeUnit.MINUTES));
    assertTrue(refused.getMessage().startsWith("config: roles: gateway, but this node's certificate"), refused.getMessage());
    assertTrue(refused.getMessage().endsWith("does not name service gateway (it names catalog)"), refused.getMessage());
    assertTrue(Files.exists(ca.caFile()));
  }

  @Test
  void aBridgeClientCanRegisterOnlyAServiceTheNodesCertificateNames() throws Exception {
    String cluster = TestNodes.uniqueCluster("identity-bridge");
    ClusterCa ca = ClusterCa.in(dir, cluster);
    ca.issue("n1", List.of("127.0.0.1"), List.of("gateway", "pricing"));
    Map<String, String> flags = TestNodes.base(cluster);
    flags.put("roles", "gateway");
    flags.put("cluster.key-file", ca.clusterKeyFile().toString());
    flags.put("cluster.tls.cert-file", ca.certFileOf("n1").toString());
    flags.put("cluster.tls.key-file", ca.keyFileOf("n1").toString());
    flags.put("cluster.tls.ca-file", ca.caFile().toString());
    flags.put("bridge.enabled", "on");
    flags.put("bridge.port", "0");
    flags.put("bridge.token", "identity-bridge-token-123");
    flags.put("bridge.services", "pricing,quotes");
    Gantry node = TestNodes.start(flags);
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.bridgePort())) {
      socket.setSoTimeout(10_000);
      java.io.DataOutputStream out = new java.io.DataOutputStream(socket.getOutputStream());
      java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
      for (String service : List.of("quotes", "pricing")) {
        byte[] frame = new io.vertx.core.json.JsonObject().put("type", "send").put("address", "gantry.bridge.register")
            .put("replyAddress", service).put("headers", new io.vertx.core.json.JsonObject().put("token", "identity-bridge-token-123"))
            .put("body", new io.vertx.core.json.JsonObject().put("service", service)).encode().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(frame.length);
        out.write(frame);
        out.flush();
      }
      for (int i = 0; i < 2; i++) {
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        io.vertx.core.json.JsonObject answer = new io.vertx.core.json.JsonObject(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        if ("quotes".equals(answer.getString("address"))) {
          assertEquals("err", answer.getString("type"));
          assertTrue(answer.getString("message").startsWith("could not register quotes: this node's certificate"), answer.encode());
        } else {
          assertEquals("pricing", answer.getString("address"), answer.encode());
          assertEquals(node.nodeId(), answer.getJsonObject("body").getString("node"), answer.encode());
        }
      }
    } finally {
      TestNodes.stop(node);
    }
  }
}
