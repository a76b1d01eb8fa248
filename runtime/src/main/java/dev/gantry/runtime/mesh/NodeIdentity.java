package dev.gantry.runtime.mesh;

import dev.gantry.config.ConfigException;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.discovery.ServiceRecord;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The service identities a node's certificate grants: one URI SAN
 * {@code spiffe://<cluster>/service/<name>} per service the node may run (what {@code cluster-ca}
 * issues). In TLS mode a node publishes only those services, and runs a gateway only if
 * {@code gateway} is among them.
 */
public final class NodeIdentity {
  private final Set<String> services;
  private final Path certFile;

  private NodeIdentity(Set<String> services, Path certFile) {
    this.services = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(services));
    this.certFile = certFile;
  }

  /** The identities in the first certificate of {@code certFile} for cluster {@code cluster}. */
  public static NodeIdentity of(Path certFile, String cluster) {
    X509Certificate cert;
    try (InputStream in = Files.newInputStream(certFile)) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException | CertificateException e) {
      throw new ConfigException("config: cluster.tls.cert-file: cannot read a certificate from " + certFile + ": " + e.getMessage());
    }
    String prefix = "spiffe://" + cluster + "/service/";
    Set<String> names = new TreeSet<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(6).equals(san.get(0)) && san.get(1) instanceof String uri && uri.startsWith(prefix)) {
            names.add(uri.substring(prefix.length()));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new ConfigException("config: cluster.tls.cert-file: " + certFile + ": unreadable subject alternative names");
    }
    return new NodeIdentity(names, certFile);
  }

  public Set<String> services() {
    return services;
  }

  public boolean may(String service) {
    return services.contains(service);
  }

  /** Why this node may not run {@code service}, for an error message. */
  public String refusal(String service) {
    return "this node's certificate (" + certFile + ") does not name service " + service
        + " (it names " + (services.isEmpty() ? "none" : String.join(", ", services)) + ")";
  }

  /** {@code catalog}, refusing to publish a service this certificate does not name. */
  public ServiceCatalog guard(ServiceCatalog catalog) {
    return new ServiceCatalog() {
      @Override
      public Future<String> publish(ServiceRecord record) {
        return may(record.name()) ? catalog.publish(record) : Future.failedFuture(new IllegalStateException(refusal(record.name())));
      }

      @Override
      public Future<Void> unpublish(String registration) {
        return catalog.unpublish(registration);
      }

      @Override
      public Future<Integer> withdrawNode(String node) {
        return catalog.withdrawNode(node);
      }

      @Override
      public Future<Integer> handOver(String node) {
        return catalog.handOver(node);
      }

      @Override
      public Future<List<ServiceRecord>> lookup(String name, String version) {
        return catalog.lookup(name, version);
      }

      @Override
      public void close() {
        catalog.close();
      }
    };
  }
}
