package dev.gantry.runtime.cluster;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A development certificate authority for the cluster's event bus, kept in one directory:
 * {@code ca.pem} and {@code ca-key.pem}, one {@code <node>.pem} / {@code <node>-key.pem} pair per
 * node, and {@code cluster.key} (the key that seals cluster maps). Keys are EC P-256; node
 * certificates are for both TLS server and client use, name the node as CN, carry the hosts the
 * node is reached at, and one URI SAN {@code spiffe://<cluster>/service/<name>} per service the
 * node may run — its identities. Private key files are readable by their owner only.
 */
public final class ClusterCa {
  private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9-]{0,62}$");
  static final String SERVICE_URI = "spiffe://%s/service/%s";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final String cluster;
  private final PrivateKey caKey;
  private final X509Certificate caCert;

  private ClusterCa(Path dir, String cluster, PrivateKey caKey, X509Certificate caCert) {
    this.dir = dir;
    this.cluster = cluster;
    this.caKey = caKey;
    this.caCert = caCert;
  }

  /** The CA in {@code dir}, made (with a cluster key) when the directory has none yet. */
  public static ClusterCa in(Path dir, String cluster) {
    try {
      Files.createDirectories(dir);
      Path cert = dir.resolve("ca.pem");
      Path key = dir.resolve("ca-key.pem");
      if (Files.exists(cert) && Files.exists(key)) {
        return new ClusterCa(dir, cluster, readKey(key), readCert(cert));
      }
      KeyPair pair = ecKeyPair();
      X500Name name = new X500Name("CN=Gantry cluster CA " + cluster);
      Instant now = Instant.now();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(3650))), name, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate ca = sign(b, pair.getPrivate());
      writeSecret(key, pem(pair.getPrivate()));
      Files.writeString(cert, pem(ca));
      Path clusterKey = dir.resolve("cluster.key");
      if (!Files.exists(clusterKey)) {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        writeSecret(clusterKey, Base64.getEncoder().encodeToString(k) + "\n");
      }
      return new ClusterCa(dir, cluster, pair.getPrivate(), ca);
    } catch (IOException e) {
      throw new UncheckedIOException("cluster CA in " + dir + ": " + e.getMessage(), e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cluster CA: " + e.getMessage(), e);
    }
  }

  /**
   * Issues (or re-issues) the certificate of {@code node}, valid for {@code hosts} (IP addresses or
   * DNS names) and naming {@code services} as the identities it may run.
   *
   * @return the certificate file; the key is beside it as {@code <node>-key.pem}
   */
  public Path issue(String node, List<String> hosts, List<String> services) {
    check("node name", node);
    services.forEach(s -> check("service name", s));
    try {
      KeyPair pair = ecKeyPair();
      Instant now = Instant.now();
      List<GeneralName> names = new ArrayList<>();
      for (String host : hosts) {
        names.add(isIp(host) ? new GeneralName(GeneralName.iPAddress, host) : new GeneralName(GeneralName.dNSName, host));
      }
      for (String service : services) {
        names.add(new GeneralName(GeneralName.uniformResourceIdentifier, String.format(SERVICE_URI, cluster, service)));
      }
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(825))),
          new X500Name("CN=" + node), pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
      X509Certificate cert = sign(b, caKey);
      Path certFile = dir.resolve(node + ".pem");
      writeSecret(dir.resolve(node + "-key.pem"), pem(pair.getPrivate()));
      Files.writeString(certFile, pem(cert) + pem(caCert));
      return certFile;
    } catch (IOException e) {
      throw new UncheckedIOException("cluster CA in " + dir + ": " + e.getMessage(), e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cluster CA: " + e.getMessage(), e);
    }
  }

  public Path caFile() {
    return dir.resolve("ca.pem");
  }

  public Path clusterKeyFile() {
    return dir.resolve("cluster.key");
  }

  public Path keyFileOf(String node) {
    return dir.resolve(node + "-key.pem");
  }

  public Path certFileOf(String node) {
    return dir.resolve(node + ".pem");
  }

  private static void check(String what, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + ": expected a-z, 0-9 and -, at most 63, got \"" + name + "\"");
    }
  }

  private static boolean isIp(String host) {
    return host.matches("^[0-9.]+$") || host.contains(":");
  }

  private static KeyPair ecKeyPair() throws java.security.GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws java.security.GeneralSecurityException {
    try {
      X509CertificateHolder holder = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key));
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (OperatorCreationException e) {
      throw new java.security.GeneralSecurityException(e.getMessage(), e);
    }
  }

  /** PKCS#8 for keys ("PRIVATE KEY"), which Vert.x's PEM options read. */
  private static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o instanceof PrivateKey k ? new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", k.getEncoded()) : o);
    }
    return out.toString();
  }

  private static void writeSecret(Path file, String text) throws IOException {
    Files.deleteIfExists(file);
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file); // not a POSIX file system
    }
    Files.writeString(file, text);
  }

  private static PrivateKey readKey(Path file) throws IOException {
    try (PEMParser p = new PEMParser(Files.newBufferedReader(file))) {
      Object o = p.readObject();
      if (!(o instanceof PrivateKeyInfo info)) {
        throw new IOException(file + ": not a PKCS#8 private key");
      }
      return new JcaPEMKeyConverter().getPrivateKey(info);
    }
  }

  private static X509Certificate readCert(Path file) throws IOException, java.security.GeneralSecurityException {
    try (PEMParser p = new PEMParser(Files.newBufferedReader(file))) {
      Object o = p.readObject();
      if (!(o instanceof X509CertificateHolder holder)) {
        throw new IOException(file + ": not a certificate");
      }
      return new JcaX509CertificateConverter().getCertificate(holder);
    }
  }

  /** Whether {@code host} resolves to a loopback address (used to default the hosts of a node). */
  static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }
}
