package dev.gantry.analytics.query;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * The warehouse as an HTTP-shaped service, for routes with {@code service: analytics}:
 * {@code GET /analytics} (models, columns, freshness), {@code GET /analytics/{model}} (rows, see
 * {@link ModelQuery}), {@code POST /analytics/_rebuild} (rebuild now; answers the statuses) and
 * {@code POST /analytics/_export} (Parquet files under the node's export directory). JDBC runs on
 * the reader worker pool; rebuilds and exports go through {@code writes}, one at a time.
 */
public final class AnalyticsHttp {
  private final ModelReader reader;
  private final WorkerExecutor readers;
  private final Supplier<Future<JsonArray>> rebuild;
  private final Supplier<Future<JsonObject>> export;
  private final Supplier<JsonObject> consumer;

  /** @param consumer what the ingest's consumer reports (group, lag per partition), added to the list */
  public AnalyticsHttp(ModelReader reader, WorkerExecutor readers, Supplier<Future<JsonArray>> rebuild,
      Supplier<Future<JsonObject>> export, Supplier<JsonObject> consumer) {
    this.consumer = consumer;
    this.reader = reader;
    this.readers = readers;
    this.rebuild = rebuild;
    this.export = export;
  }

  public Future<HttpReply> handle(HttpCall call) {
    String path = call.path().endsWith("/") && call.path().length() > 1
        ? call.path().substring(0, call.path().length() - 1) : call.path();
    boolean read = call.method().equals("GET") || call.method().equals("HEAD");
    if (path.equals("/analytics")) {
      return read ? readers.executeBlocking(reader::list, false).map(json -> {
        json.getJsonObject("ingest").mergeIn(consumer.get());
        return HttpReply.json(200, json);
      })
          : notAllowed(call);
    }
    if (!path.startsWith("/analytics/") || path.indexOf('/', "/analytics/".length()) >= 0) {
      return Future.succeededFuture(HttpReply.problem(Failure.NOT_FOUND, "no resource " + path, path));
    }
    String name = path.substring("/analytics/".length());
    if (name.equals("_rebuild")) {
      return call.method().equals("POST")
          ? rebuild.get().map(statuses -> HttpReply.json(200, new JsonObject().put("models", statuses)))
          : notAllowed(call);
    }
    if (name.equals("_export")) {
      return call.method().equals("POST") ? export.get().map(json -> HttpReply.json(200, json)) : notAllowed(call);
    }
    if (!read) {
      return notAllowed(call);
    }
    // Parsing (400s) and the catalog read run on the worker too: the catalog is JDBC.
    return readers.executeBlocking(() -> reader.rows(ModelQuery.parse(name, reader.columns(name), call.query())), false)
        .map(json -> HttpReply.json(200, json));
  }

  private static Future<HttpReply> notAllowed(HttpCall call) {
    return Future.succeededFuture(HttpReply.problem(Failure.METHOD_NOT_ALLOWED,
        call.method() + " is not allowed on " + call.path(), call.path()));
  }

}
