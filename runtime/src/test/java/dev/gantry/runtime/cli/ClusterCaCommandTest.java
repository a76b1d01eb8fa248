package dev.gantry.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gantry.jar cluster-ca}: a CA, node certificates it signed, a cluster key; kept on a second run. */
class ClusterCaCommandTest {
  @TempDir Path dir;

  private static X509Certificate cert(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  @Test
  void issuesNodeCertificatesSignedByTheClusterCaAndKeepsTheCaOnASecondRun() throws Exception {
    int code = new CommandLine(new ClusterCaCommand()).execute("--data-dir", dir.toString(), "--nodes", "a,b",
        "--services", "gateway,pricing", "--cluster-name", "shop");
    assertEquals(0, code);
    Path tls = dir.resolve("cluster-tls");
    X509Certificate ca = cert(tls.resolve("ca.pem"));
    X509Certificate a = cert(tls.resolve("a.pem"));
    a.verify(ca.getPublicKey());
    a.checkValidity();
    assertEquals("CN=a", a.getSubjectX500Principal().getName());
    assertTrue(a.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")));
    assertTrue(a.getSubjectAlternativeNames().stream().anyMatch(san -> san.get(1).equals("spiffe://shop/service/pricing")));
    assertTrue(a.getSubjectAlternativeNames().stream().anyMatch(san -> san.get(1).equals("127.0.0.1")));
    assertEquals(-1, a.getBasicConstraints());
    assertTrue(ca.getBasicConstraints() >= 0);
    for (String secret : List.of("ca-key.pem", "a-key.pem", "b-key.pem", "cluster.key")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(secret))), secret);
    }
    String key = Files.readString(tls.resolve("cluster.key"));
    String caPem = Files.readString(tls.resolve("ca.pem"));

    assertEquals(0, new CommandLine(new ClusterCaCommand()).execute("--data-dir", dir.toString(), "--nodes", "c",
        "--cluster-name", "shop"));
    assertEquals(caPem, Files.readString(tls.resolve("ca.pem")));
    assertEquals(key, Files.readString(tls.resolve("cluster.key")));
    cert(tls.resolve("c.pem")).verify(ca.getPublicKey());
    PublicKey notTheCa = a.getPublicKey(); // the check is real: another key does not verify it
    assertThrows(SignatureException.class, () -> cert(tls.resolve("c.pem")).verify(notTheCa));
  }

  @Test
  void aBadNodeNameExitsWith2() {
    assertEquals(2, new CommandLine(new ClusterCaCommand()).execute("--data-dir", dir.toString(), "--nodes", "Bad Name"));
  }
}
