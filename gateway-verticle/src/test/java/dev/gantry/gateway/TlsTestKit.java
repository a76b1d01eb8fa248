package dev.gantry.gateway;

import dev.gantry.gateway.tls.DevCertificate;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** Certificates for TLS tests and a bare JDK handshake that reports what the server presented. */
final class TlsTestKit {
  private TlsTestKit() {}

  /** A self-signed certificate for {@code name} (and 127.0.0.1) in {@code dir}. */
  static DevCertificate.Pair cert(Path dir, String file, String name) throws IOException {
    return DevCertificate.create(dir, file, List.of(name), List.of("127.0.0.1"));
  }

  /** The subject of the certificate the server presents to a handshake naming {@code sni} (null: no SNI). */
  static String presented(int port, String sni) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(new Socket("127.0.0.1", port),
        "127.0.0.1", port, true)) {
      SSLParameters params = socket.getSSLParameters();
      params.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
      socket.setSSLParameters(params);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }
  }

  /** Trusts any certificate: the tests look at which one was presented, not whether it is trusted. */
  static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
