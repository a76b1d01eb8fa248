package dev.gantry.gateway.tls;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileProps;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the listener presents: the certificates read from their files (as values, so a changed file
 * makes different options), TLS 1.2 and 1.3 only, forward-secret AEAD cipher suites only, SNI, and
 * ALPN with {@code h2} (when on) and {@code http/1.1}. {@link #read} is called at start and by the
 * reloader, so both build the options the same way.
 */
public final class ListenerCertificates {
  /** TLS 1.3's three suites, then TLS 1.2's ECDHE with AES-GCM or ChaCha20-Poly1305 (Mozilla's "intermediate" list). */
  public static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
  public static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  /** The JDK's switch for refusing renegotiation a TLS 1.2 client starts (a cheap way to make a server work). */
  public static final String REJECT_CLIENT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

  private final Vertx vertx;
  private final TlsOptions options;

  /**
   * Refuses client-initiated TLS 1.2 renegotiation, which the JDK allows by default. The JDK reads
   * the switch once, before its first server handshake, so {@code gantry.jar}'s main calls this
   * first thing; an application embedding the gateway sets
   * {@code -Djdk.tls.rejectClientInitiatedRenegotiation=true} itself. Leaves an explicit setting alone.
   */
  public static void refuseClientRenegotiation() {
    if (System.getProperty(REJECT_CLIENT_RENEGOTIATION) == null) {
      System.setProperty(REJECT_CLIENT_RENEGOTIATION, "true");
    }
  }

  public ListenerCertificates(Vertx vertx, TlsOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  public TlsOptions options() {
    return options;
  }

  /** The certificates as they are in their files now. */
  public Future<ServerSSLOptions> read() {
    List<Path> files = options.files();
    List<Future<Buffer>> reads = new ArrayList<>();
    for (Path file : files) {
      reads.add(vertx.fileSystem().readFile(file.toString())
          .recover(e -> Future.failedFuture(new IllegalStateException("TLS: cannot read " + file + ": " + e.getMessage()))));
    }
    return Future.all(reads).map(all -> sslOptions(keyCert(all.list())));
  }

  /** Size and modification time of every file: a cheap way to notice a change without reading them. */
  public Future<String> stamp() {
    List<Future<FileProps>> props = options.files().stream()
        .map(f -> vertx.fileSystem().props(f.toString())).toList();
    return Future.all(props).map(all -> {
      StringBuilder stamp = new StringBuilder();
      for (int i = 0; i < all.size(); i++) {
        FileProps p = all.resultAt(i);
        stamp.append(p.size()).append('@').append(p.lastModifiedTime()).append(';');
      }
      return stamp.toString();
    });
  }

  private KeyCertOptions keyCert(List<Buffer> contents) {
    if (options.keystore() != null) {
      return new PfxOptions().setValue(contents.get(0)).setPassword(options.keystorePassword());
    }
    PemKeyCertOptions pem = new PemKeyCertOptions();
    int pairs = options.certs().size();
    for (int i = 0; i < pairs; i++) {
      pem.addCertValue(contents.get(i)).addKeyValue(contents.get(pairs + i));
    }
    return pem;
  }

  private ServerSSLOptions sslOptions(KeyCertOptions keyCert) {
    ServerSSLOptions ssl = new ServerSSLOptions().setKeyCertOptions(keyCert).setSni(true).setUseAlpn(true)
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(PROTOCOLS))
        .setApplicationLayerProtocols(options.h2() ? List.of("h2", "http/1.1") : List.of("http/1.1"));
    CIPHER_SUITES.forEach(ssl::addEnabledCipherSuite);
    return ssl;
  }

  /** Sets {@code ssl} on a listener's options before it starts. */
  public HttpServerOptions apply(ServerSSLOptions ssl, HttpServerOptions server) {
    server.setSsl(true).setSni(true).setUseAlpn(true).setKeyCertOptions(ssl.getKeyCertOptions())
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(PROTOCOLS))
        .setAlpnVersions(options.h2() ? Arrays.asList(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)
            : List.of(HttpVersion.HTTP_1_1));
    CIPHER_SUITES.forEach(server::addEnabledCipherSuite);
    return server;
  }
}
