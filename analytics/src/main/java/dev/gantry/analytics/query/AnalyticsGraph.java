package dev.gantry.analytics.query;

import dev.gantry.services.sdk.GraphqlPart;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The warehouse's part of the GraphQL schema ({@code graphql/analytics.graphqls}): the models and
 * their rows, read as {@code GET /api/analytics} reads them — the same checks (known model, known
 * columns and operators, typed values bound as parameters, limit 1 to 10,000), on the reader
 * workers, never the event loop.
 */
public final class AnalyticsGraph {
  private AnalyticsGraph() {}

  public static GraphqlPart part(String service, String sdl, ModelReader reader, WorkerExecutor readers) {
    return new GraphqlPart(service, sdl)
        .fetch("Query.analyticsModels", (args, source, env) -> readers.executeBlocking(reader::list, false)
            .map(json -> {
              JsonArray models = new JsonArray();
              json.getJsonArray("models").forEach(m -> {
                JsonObject model = (JsonObject) m;
                models.add(new JsonObject().put("name", model.getString("name"))
                    .put("materialized", model.getString("materialized")).put("columns", model.getJsonArray("columns"))
                    .put("builtAt", model.getValue("builtAt")).put("rows", model.getValue("rows"))
                    .put("lastError", model.getValue("lastError")));
              });
              return models;
            }))
        .fetch("Query.analyticsRows", (args, source, env) -> {
          String model = args.getString("model");
          String query = query(args);
          return readers.executeBlocking(() -> reader.rows(ModelQuery.parse(model, reader.columns(model), query)), false)
              .map(AnalyticsGraph::asText);
        });
  }

  /** The arguments as the query string {@link ModelQuery#parse} reads: {@code column.op=value&order=…&limit=…}. */
  static String query(JsonObject args) {
    List<String> params = new ArrayList<>();
    JsonArray where = args.getJsonArray("where");
    if (where != null) {
      for (int i = 0; i < where.size(); i++) {
        JsonObject f = where.getJsonObject(i);
        String op = f.getString("op", "eq");
        params.add(encode(f.getString("column") + "." + op) + "=" + encode(f.getString("value")));
      }
    }
    if (args.getValue("order") instanceof String order) {
      params.add("order=" + encode(order));
    }
    if (args.getValue("limit") instanceof Number limit) {
      params.add("limit=" + limit.longValue());
    }
    return String.join("&", params);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /** {@code {"model", "columns", "rows": [{…}]}} as GraphQL's AnalyticsRows: each row's cells as text. */
  private static JsonObject asText(JsonObject result) {
    JsonArray columns = result.getJsonArray("columns");
    JsonArray rows = new JsonArray();
    result.getJsonArray("rows").forEach(r -> {
      JsonObject row = (JsonObject) r;
      JsonArray cells = new JsonArray();
      columns.forEach(c -> {
        Object v = row.getValue((String) c);
        cells.add(v == null ? null : String.valueOf(v));
      });
      rows.add(cells);
    });
    return new JsonObject().put("model", result.getString("model")).put("columns", columns).put("rows", rows);
  }
}
