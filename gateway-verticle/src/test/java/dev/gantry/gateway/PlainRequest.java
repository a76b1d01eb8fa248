package dev.gantry.gateway;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.lang.reflect.Proxy;

/**
 * A request of plain values, and the response written to it, without a server: for fuzz targets,
 * which call a policy or the problem writer hundreds of thousands of times a second. Only what
 * those read is answered (method, path, uri, query, headers, the response's status, headers and
 * body); any other call fails the target, so a code path that needs more shows up at once.
 */
public final class PlainRequest {
  public final MultiMap headers = MultiMap.caseInsensitiveMultiMap();
  public final MultiMap responseHeaders = MultiMap.caseInsensitiveMultiMap();
  public int status = 200;
  public Buffer body;
  public boolean ended;
  private final HttpMethod method;
  private final String path;
  private final String query;
  private final HttpServerResponse response;
  private final HttpServerRequest request;

  public PlainRequest(String method, String path, String query) {
    this.method = HttpMethod.valueOf(method);
    this.path = path;
    this.query = query;
    this.response = (HttpServerResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {HttpServerResponse.class}, (proxy, m, args) -> switch (m.getName()) {
          case "setStatusCode" -> {
            status = (Integer) args[0];
            yield proxy;
          }
          case "putHeader" -> {
            responseHeaders.add(args[0].toString(), args[1].toString());
            yield proxy;
          }
          case "headers" -> responseHeaders;
          case "getStatusCode" -> status;
          case "headWritten", "ended", "closed" -> ended;
          case "end" -> {
            ended = true;
            body = args == null || args.length == 0 ? Buffer.buffer() : args[0] instanceof Buffer b ? b
                : Buffer.buffer(args[0].toString());
            yield Future.succeededFuture();
          }
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          case "toString" -> "response to " + path;
          default -> throw new UnsupportedOperationException("HttpServerResponse." + m.getName());
        });
    this.request = (HttpServerRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {HttpServerRequest.class}, (proxy, m, args) -> switch (m.getName()) {
          case "method" -> this.method;
          case "path" -> path;
          case "query" -> query;
          case "uri" -> query == null ? path : path + "?" + query;
          case "headers" -> headers;
          case "getHeader" -> headers.get(args[0].toString());
          case "response" -> response;
          case "isSSL" -> false;
          case "scheme" -> "http";
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          case "toString" -> method + " " + path;
          default -> throw new UnsupportedOperationException("HttpServerRequest." + m.getName());
        });
  }

  public HttpServerRequest request() {
    return request;
  }
}
