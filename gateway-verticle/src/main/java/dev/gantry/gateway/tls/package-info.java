/**
 * TLS on the gateway's listener: the certificates it presents (PEM pairs or a PKCS#12 store,
 * chosen by SNI), the protocol versions, cipher suites and ALPN it offers, the reload of changed
 * certificate files into the running servers, the plain listener that only redirects to HTTPS,
 * and the self-signed development certificate. It knows nothing of routes, policies or upstreams
 * (upstream TLS is the pool's, in {@code …gateway.upstream}).
 * Starting points: {@link dev.gantry.gateway.tls.TlsOptions}, {@link dev.gantry.gateway.tls.ListenerCertificates}.
 */
package dev.gantry.gateway.tls;
