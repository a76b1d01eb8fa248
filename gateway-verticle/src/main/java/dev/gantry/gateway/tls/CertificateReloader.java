package dev.gantry.gateway.tls;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at the certificate files every {@link TlsOptions#reloadCheckMillis()} and, when one
 * changed, reads them and hands the new certificates to the running server
 * ({@link HttpServer#updateSSLOptions}): new handshakes get them, open connections keep theirs,
 * nothing restarts. Files that do not make a valid key and certificate (half written, a key that
 * does not match) leave the old ones serving; the next change is tried again. The listeners
 * sharing the port share one TLS context, so updating one server updates them all.
 */
public final class CertificateReloader {
  private static final Logger LOG = LoggerFactory.getLogger(CertificateReloader.class);
  private final Vertx vertx;
  private final ListenerCertificates certificates;
  private final HttpServer server;
  private String lastStamp;
  private long timer = -1;
  private boolean checking;
  private long reloads;
  private long failures;

  public CertificateReloader(Vertx vertx, ListenerCertificates certificates, HttpServer server) {
    this.vertx = vertx;
    this.certificates = certificates;
    this.server = server;
  }

  /** Starts watching; the files as they are now are the ones the server started with. */
  public Future<Void> start() {
    return certificates.stamp().onSuccess(stamp -> {
      lastStamp = stamp;
      timer = vertx.setPeriodic(certificates.options().reloadCheckMillis(), id -> check());
    }).mapEmpty();
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  /** Changes that could not be loaded so far (the previous certificates kept serving). */
  public long failures() {
    return failures;
  }

  /** Successful reloads so far. */
  public long reloads() {
    return reloads;
  }

  private void check() {
    if (checking) {
      return;
    }
    checking = true;
    certificates.stamp().compose(stamp -> {
      if (stamp.equals(lastStamp)) {
        return Future.succeededFuture();
      }
      lastStamp = stamp;
      return certificates.read().compose(ssl -> server.updateSSLOptions(ssl, true))
          .onSuccess(updated -> {
            reloads++;
            LOG.info("TLS certificates reloaded from {}", certificates.options().files());
          })
          .onFailure(e -> failures++)
          .onFailure(e -> LOG.warn("TLS certificates changed but were not loaded (the previous ones still serve): {}",
              e.getMessage()))
          .<Void>mapEmpty().recover(e -> Future.succeededFuture());
    }).onComplete(ar -> {
      checking = false;
      if (ar.failed()) {
        LOG.warn("TLS certificate files cannot be read: {}", ar.cause().getMessage());
      }
    });
  }
}
