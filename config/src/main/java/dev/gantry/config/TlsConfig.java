package dev.gantry.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * TLS on the gateway listener ({@code tls.*}). On when certificate files, a PKCS#12 store or
 * {@code tls.self-signed} are given; the files were found readable when the configuration was read.
 *
 * @param certs                 PEM certificate chain files ({@code tls.cert})
 * @param keys                  PEM key files, one per chain ({@code tls.key})
 * @param keystore              a PKCS#12 store instead ({@code tls.keystore})
 * @param keystorePassword      its password ({@code tls.keystore-password}); never logged
 * @param selfSigned            make and use a dev certificate under the data directory
 * @param h2                    ALPN offers h2 beside http/1.1
 * @param redirectPort          plain listener that redirects to HTTPS; -1 none, 0 any free port
 * @param hstsMaxAgeSeconds     Strict-Transport-Security max-age; 0 sends none
 * @param hstsIncludeSubdomains adds includeSubDomains
 * @param reloadCheckMillis     how often the certificate files are looked at for changes
 * @param ocspStapling          staple OCSP responses (the JDK's stapling, for certificates naming a responder)
 */
public record TlsConfig(List<Path> certs, List<Path> keys, Optional<Path> keystore, String keystorePassword,
    boolean selfSigned, boolean h2, int redirectPort, long hstsMaxAgeSeconds, boolean hstsIncludeSubdomains,
    long reloadCheckMillis, boolean ocspStapling) {

  public TlsConfig {
    certs = List.copyOf(certs);
    keys = List.copyOf(keys);
  }

  /** TLS off: the defaults. */
  public static TlsConfig off() {
    return new TlsConfig(List.of(), List.of(), Optional.empty(), "", false, true, -1, 0, false, 2_000, false);
  }

  /** Whether the gateway listener speaks TLS. */
  public boolean enabled() {
    return selfSigned || !certs.isEmpty() || keystore.isPresent();
  }
}
