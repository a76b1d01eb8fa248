package dev.gantry.gateway.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for local use ({@code tls.self-signed}): an ECDSA P-256 key and a
 * certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, made once under the data
 * directory ({@code tls/dev-cert.pem}, {@code tls/dev-key.pem}) and reused on later starts, so a
 * browser or {@code curl --cacert} trusts it once. The JDK's own {@code keytool} makes it (the JDK
 * has no public API to sign a certificate); the key is then written as PKCS#8 PEM, readable only
 * by its owner. Blocking: call off the event loop.
 */
public final class DevCertificate {
  private static final String PASSWORD = "gantry-dev";

  /** A key file and its certificate chain file. */
  public record Pair(Path cert, Path key) {}

  private DevCertificate() {}

  /** The data directory's dev certificate, made when missing. */
  public static Pair in(Path dataDir) throws IOException {
    Path dir = dataDir.resolve("tls");
    Pair pair = new Pair(dir.resolve("dev-cert.pem"), dir.resolve("dev-key.pem"));
    if (Files.isRegularFile(pair.cert()) && Files.isRegularFile(pair.key())) {
      return pair;
    }
    return create(dir, "dev", List.of("localhost"), List.of("127.0.0.1", "::1"));
  }

  /**
   * Makes {@code <name>-cert.pem} and {@code <name>-key.pem} in {@code dir}: a self-signed
   * certificate whose subject is the first DNS name, with every name and address as a SAN.
   */
  public static Pair create(Path dir, String name, List<String> dnsNames, List<String> addresses) throws IOException {
    return create(dir, name, dnsNames, addresses, null);
  }

  /** As above, naming an OCSP responder in the certificate (Authority Information Access) when {@code ocspUrl} is not null. */
  public static Pair create(Path dir, String name, List<String> dnsNames, List<String> addresses, String ocspUrl)
      throws IOException {
    Files.createDirectories(dir);
    Path store = dir.resolve(name + "-" + System.nanoTime() + ".p12");
    List<String> san = new ArrayList<>();
    dnsNames.forEach(n -> san.add("dns:" + n));
    addresses.forEach(a -> san.add("ip:" + a));
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    List<String> command = new ArrayList<>(List.of(keytool, "-genkeypair", "-alias", "gantry", "-keyalg", "EC",
        "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
        "-dname", "CN=" + (dnsNames.isEmpty() ? addresses.get(0) : dnsNames.get(0)),
        "-ext", "SAN=" + String.join(",", san), "-validity", "397", "-storetype", "PKCS12",
        "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD));
    if (ocspUrl != null) {
      command.addAll(List.of("-ext", "AIA=ocsp:uri:" + ocspUrl));
    }
    run(command);
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        ks.load(in, PASSWORD.toCharArray());
      }
      PrivateKey key = (PrivateKey) ks.getKey("gantry", PASSWORD.toCharArray());
      Certificate cert = ks.getCertificate("gantry");
      Pair pair = new Pair(dir.resolve(name + "-cert.pem"), dir.resolve(name + "-key.pem"));
      Path keyTmp = dir.resolve(name + "-key.pem.tmp");
      Files.writeString(keyTmp, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
      ownerOnly(keyTmp);
      Files.move(keyTmp, pair.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(pair.cert(), pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
      return pair;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the certificate keytool made: " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(store);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static void ownerOnly(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: the directory's own permissions hold
    }
  }

  private static void run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("keytool could not make a certificate: " + output.trim());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while making a certificate", e);
    } finally {
      process.destroy();
    }
  }
}
