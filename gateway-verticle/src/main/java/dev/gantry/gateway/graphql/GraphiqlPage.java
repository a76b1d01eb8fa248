package dev.gantry.gateway.graphql;

import dev.gantry.codecs.Failure;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.spec.GraphqlSpec;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * GraphiQL, from the build vertx-web-graphql ships (its page and assets on the classpath, no CDN),
 * under {@code <route>/ui/}, pointed at the route's own endpoint for queries and subscriptions.
 */
final class GraphiqlPage {
  private static final String ROOT = "io/vertx/ext/web/handler/graphiql/";
  private static final String CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' "
      + "'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'";

  private GraphiqlPage() {}

  static Future<Reply> serve(Vertx vertx, HttpServerRequest req, String rest, GraphqlSpec spec) {
    req.resume();
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      return Future.succeededFuture(Reply.problem(Failure.METHOD_NOT_ALLOWED, "GraphiQL is read with GET"));
    }
    String base = req.path().substring(0, req.path().length() - rest.length());
    if (rest.equals("/ui")) {
      return Future.succeededFuture(Reply.of(302, MultiMap.caseInsensitiveMultiMap().add(HttpHeaders.LOCATION,
          base + "/ui/"), Buffer.buffer()));
    }
    String file = rest.substring("/ui/".length());
    if (file.isEmpty()) {
      return vertx.fileSystem().readFile(ROOT + "index.html").map(page -> {
        String config = new JsonObject().put("graphQLUri", base).put("graphQLWSEnabled", spec.subscriptions())
            .put("graphQLWSUri", base).encode().replace("<", "\\u003c").replace(">", "\\u003e");
        Buffer body = Buffer.buffer(page.toString().replace("__VERTX_GRAPHIQL_CONFIG__", config));
        return Reply.of(200, MultiMap.caseInsensitiveMultiMap().add(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
            .add("Content-Security-Policy", CSP).add(HttpHeaders.CACHE_CONTROL, "no-cache")
            .add("X-Content-Type-Options", "nosniff"), body);
      });
    }
    if (!file.matches("static/(js|css|media)/[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.(js|css|svg|woff2?|ttf|map)")) {
      return Future.succeededFuture(Reply.problem(Failure.NOT_FOUND, "no GraphiQL asset " + dev.gantry.gateway.observe.SafeText.of(file)));
    }
    String type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css"
        : file.endsWith(".svg") ? "image/svg+xml" : file.endsWith(".map") ? "application/json" : "font/" + file.substring(file.lastIndexOf('.') + 1);
    return vertx.fileSystem().readFile(ROOT + file).map(asset -> Reply.of(200, MultiMap.caseInsensitiveMultiMap()
            .add(HttpHeaders.CONTENT_TYPE, type).add(HttpHeaders.CACHE_CONTROL, "public, max-age=86400, immutable")
            .add("X-Content-Type-Options", "nosniff"), asset))
        .recover(e -> Future.succeededFuture(Reply.problem(Failure.NOT_FOUND, "no GraphiQL asset " + file)));
  }
}
