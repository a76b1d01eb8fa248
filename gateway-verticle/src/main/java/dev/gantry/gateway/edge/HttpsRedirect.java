package dev.gantry.gateway.edge;

import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.problem.ProblemResponder;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * The plain listener beside an HTTPS one: every request is answered {@code 308 Permanent Redirect}
 * to the same path and query on HTTPS (308 keeps the method and body, unlike 301). The Host must
 * be a valid {@code host[:port]} — it is written into {@code Location}, so nothing else may pass —
 * and the target goes through the edge's one normaliser first: what it refuses gets the same 400
 * problem the HTTPS listener would give. Nothing is proxied here.
 */
public final class HttpsRedirect implements Handler<HttpServerRequest> {
  private final int httpsPort;

  /** @param httpsPort the HTTPS listener's port, named in {@code Location} unless it is 443 */
  public HttpsRedirect(int httpsPort) {
    this.httpsPort = httpsPort;
  }

  @Override
  public void handle(HttpServerRequest request) {
    String host = request.getHeader(HttpHeaders.HOST);
    if (host == null && request.authority() != null) {
      host = request.authority().toString();
    }
    String detail = null;
    RequestTarget target = null;
    if (host == null) {
      detail = "Host: required to redirect to HTTPS";
    } else if (!HeaderRules.isValidHost(host.trim())) {
      detail = "Host: not a valid host[:port]";
    } else {
      try {
        target = RequestTarget.parse(request.uri());
      } catch (ServiceException e) {
        detail = e.detail();
      }
    }
    if (Framing.hasBody(request) || request.version() == HttpVersion.HTTP_1_0) {
      request.response().putHeader(HttpHeaders.CONNECTION, "close"); // the body is not read
    }
    if (detail != null) {
      ProblemResponder.write(request, Failure.BAD_REQUEST, detail, null, Envelope.start(null, null, 0, null).requestId());
      return;
    }
    String location = "https://" + hostName(host.trim()) + (httpsPort == 443 ? "" : ":" + httpsPort) + target.uri();
    request.response().setStatusCode(308).putHeader(HttpHeaders.LOCATION, location)
        .putHeader(HttpHeaders.CONTENT_LENGTH, "0").end();
  }

  /** The host without its port ({@code [::1]:80} → {@code [::1]}). */
  static String hostName(String host) {
    int close = host.lastIndexOf(']');
    int colon = host.lastIndexOf(':');
    return colon > close ? host.substring(0, colon) : host;
  }
}
