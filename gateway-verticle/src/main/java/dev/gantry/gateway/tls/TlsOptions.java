package dev.gantry.gateway.tls;

import java.nio.file.Path;
import java.util.List;

/**
 * TLS on the gateway listener, as Vert.x's own options are: {@code DEFAULT_*} constants and
 * fluent setters. Either PEM pairs ({@link #setPem}: certificate chain files and key files, the
 * n-th key belonging to the n-th chain) or one PKCS#12 store; several certificates are chosen by
 * the SNI name the client sends.
 */
public final class TlsOptions {
  public static final boolean DEFAULT_H2 = true;
  public static final int DEFAULT_REDIRECT_PORT = -1;
  public static final long DEFAULT_HSTS_MAX_AGE_SECONDS = 0;
  public static final long DEFAULT_RELOAD_CHECK_MILLIS = 2_000;

  private List<Path> certs = List.of();
  private List<Path> keys = List.of();
  private Path keystore;
  private String keystorePassword;
  private boolean h2 = DEFAULT_H2;
  private int redirectPort = DEFAULT_REDIRECT_PORT;
  private long hstsMaxAgeSeconds = DEFAULT_HSTS_MAX_AGE_SECONDS;
  private boolean hstsIncludeSubdomains;
  private long reloadCheckMillis = DEFAULT_RELOAD_CHECK_MILLIS;

  /** PEM certificate chains and their keys, pairwise. */
  public TlsOptions setPem(List<Path> certs, List<Path> keys) {
    if (certs.size() != keys.size() || certs.isEmpty()) {
      throw new IllegalArgumentException("one key file per certificate file, at least one pair");
    }
    this.certs = List.copyOf(certs);
    this.keys = List.copyOf(keys);
    return this;
  }

  /** A PKCS#12 store holding one or more keys with their chains. */
  public TlsOptions setKeystore(Path keystore, String password) {
    this.keystore = keystore;
    this.keystorePassword = password;
    return this;
  }

  /** Whether ALPN offers {@code h2} beside {@code http/1.1}. */
  public TlsOptions setH2(boolean h2) {
    this.h2 = h2;
    return this;
  }

  /** A plain listener answering 308 to the HTTPS URL: its port (0 picks a free one), -1 for none. */
  public TlsOptions setRedirectPort(int port) {
    this.redirectPort = port;
    return this;
  }

  /** {@code Strict-Transport-Security} on every HTTPS response; 0 sends none. */
  public TlsOptions setHsts(long maxAgeSeconds, boolean includeSubdomains) {
    this.hstsMaxAgeSeconds = maxAgeSeconds;
    this.hstsIncludeSubdomains = includeSubdomains;
    return this;
  }

  /** How often the certificate files are looked at for changes. */
  public TlsOptions setReloadCheckMillis(long millis) {
    if (millis < 1) {
      throw new IllegalArgumentException("reload check interval must be positive");
    }
    this.reloadCheckMillis = millis;
    return this;
  }

  public List<Path> certs() {
    return certs;
  }

  public List<Path> keys() {
    return keys;
  }

  public Path keystore() {
    return keystore;
  }

  public String keystorePassword() {
    return keystorePassword;
  }

  public boolean h2() {
    return h2;
  }

  public int redirectPort() {
    return redirectPort;
  }

  public long reloadCheckMillis() {
    return reloadCheckMillis;
  }

  /** The {@code Strict-Transport-Security} value, or null when HSTS is off. */
  public String hstsHeader() {
    return hstsMaxAgeSeconds <= 0 ? null
        : "max-age=" + hstsMaxAgeSeconds + (hstsIncludeSubdomains ? "; includeSubDomains" : "");
  }

  /** The files whose change reloads the certificates. */
  public List<Path> files() {
    if (keystore != null) {
      return List.of(keystore);
    }
    java.util.ArrayList<Path> all = new java.util.ArrayList<>(certs);
    all.addAll(keys);
    return all;
  }
}
