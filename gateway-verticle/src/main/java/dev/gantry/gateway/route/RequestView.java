package dev.gantry.gateway.route;

import io.vertx.core.http.HttpServerRequest;

/** What route matching reads of a request; an HTTP request or, in a benchmark, plain values. */
public interface RequestView {
  String method();

  /** Host without port, or null. */
  String host();

  String path();

  String header(String name);

  String param(String name);

  /** A request of plain values (no headers or query parameters): for benchmarks and tests. */
  static RequestView of(String method, String host, String path) {
    return new RequestView() {
      @Override
      public String method() {
        return method;
      }

      @Override
      public String host() {
        return host;
      }

      @Override
      public String path() {
        return path;
      }

      @Override
      public String header(String name) {
        return null;
      }

      @Override
      public String param(String name) {
        return null;
      }
    };
  }

  static RequestView of(HttpServerRequest request) {
    return new RequestView() {
      @Override
      public String method() {
        return request.method().name();
      }

      @Override
      public String host() {
        return request.authority() == null ? null : request.authority().host();
      }

      @Override
      public String path() {
        return request.path();
      }

      @Override
      public String header(String name) {
        return request.getHeader(name);
      }

      @Override
      public String param(String name) {
        return request.getParam(name);
      }
    };
  }
}
