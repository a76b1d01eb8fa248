package dev.gantry.gateway.policy;

import dev.gantry.codecs.Failure;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;

/**
 * The {@code limits} policy: a request target longer than {@code max-uri-bytes} gets 414, more
 * than {@code max-headers} header fields or more than {@code max-header-bytes} of them (names,
 * values and their separators) get 431, each as problem+json. It runs before a WebSocket upgrade
 * too. (Body size is the route's {@code max-body-bytes}, counted as the body streams.)
 *
 * @param maxUriBytes    longest request target, or -1 for no limit of the route's own
 * @param maxHeaders     most header fields, or -1
 * @param maxHeaderBytes most header bytes, or -1
 */
public record RequestLimits(int maxUriBytes, int maxHeaders, int maxHeaderBytes) implements Policy {
  @Override
  public Future<Reply> apply(RouteExchange exchange, Next next) {
    HttpServerRequest request = exchange.request();
    if (maxUriBytes >= 0 && request.uri().length() > maxUriBytes) {
      exchange.decide("limit", "max-uri-bytes");
      return Future.succeededFuture(Reply.problem(Failure.URI_TOO_LONG,
          "request target: longer than the " + maxUriBytes + " bytes this route accepts"));
    }
    if (maxHeaders >= 0 || maxHeaderBytes >= 0) {
      int count = 0;
      long bytes = 0;
      for (Map.Entry<String, String> h : request.headers()) {
        count++;
        bytes += h.getKey().length() + h.getValue().length() + 4; // ": " and CRLF
      }
      if (maxHeaders >= 0 && count > maxHeaders) {
        exchange.decide("limit", "max-headers");
        return Future.succeededFuture(Reply.problem(Failure.HEADERS_TOO_LARGE,
            "headers: " + count + " fields, more than the " + maxHeaders + " this route accepts"));
      }
      if (maxHeaderBytes >= 0 && bytes > maxHeaderBytes) {
        exchange.decide("limit", "max-header-bytes");
        return Future.succeededFuture(Reply.problem(Failure.HEADERS_TOO_LARGE,
            "headers: " + bytes + " bytes, more than the " + maxHeaderBytes + " this route accepts"));
      }
    }
    return next.proceed(exchange);
  }

  @Override
  public boolean appliesToUpgrade() {
    return true;
  }
}
