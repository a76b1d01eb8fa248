package dev.gantry.gateway.route;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.edge.RequestTarget;
import dev.gantry.gateway.spec.GatewaySpec;
import dev.gantry.gateway.spec.RouteSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Route tables of any path patterns, matched against any request target after the edge's
 * normalisation. A pattern the spec reader refuses is a {@link ServiceException} (the one failure
 * allowed, and only while the table is built); matching and rewriting never fail, and the indexed
 * table picks the route a scan of all routes in their order would pick.
 */
class RouteTableFuzzTest {
  private static final String[] METHODS = {"GET", "POST"};

  @FuzzTest(maxDuration = "5s")
  void anyTableMatchesAnyPathAsAScanInOrderWould(FuzzedDataProvider data) {
    int count = data.consumeInt(1, 4);
    JsonArray routes = new JsonArray();
    for (int i = 0; i < count; i++) {
      JsonObject route = new JsonObject().put("id", "r" + i).put("upstream", "u")
          .put("priority", data.consumeInt(0, 2))
          .put("match", new JsonObject().put("path", data.consumeString(32)));
      if (data.consumeBoolean()) {
        route.put("rewrite", data.consumeString(16));
      }
      routes.add(route);
    }
    String method = METHODS[data.consumeInt(0, 1)];
    String target = data.consumeRemainingAsString();
    JsonObject json = new JsonObject().put("routes", routes).put("upstreams", new JsonArray()
        .add(new JsonObject().put("name", "u").put("targets", new JsonArray().add(new JsonObject().put("url", "http://127.0.0.1:1")))));
    RouteTable table;
    Map<String, RouteTable> alone = new HashMap<>();
    try {
      List<RouteSpec> specs = GatewaySpec.fromJson(json).routes();
      table = new RouteTable(specs);
      for (RouteSpec spec : specs) {
        alone.put(spec.id(), new RouteTable(List.of(spec)));
      }
    } catch (ServiceException refused) {
      return;
    }
    String path;
    try {
      path = RequestTarget.parse(target).path();
    } catch (ServiceException refused) {
      return;
    }
    RequestView request = RequestView.of(method, "h", path);
    RouteMatch match = table.match(request);
    String scanned = table.order().stream().filter(id -> alone.get(id).match(request) != null).findFirst().orElse(null);
    String picked = match == null ? null : match.route().spec().id();
    if (!java.util.Objects.equals(scanned, picked)) {
      throw new AssertionError(path + " matched " + picked + " where a scan in order picks " + scanned
          + " in " + table.order());
    }
    if (match != null) {
      String rewritten = match.route().pattern().rewrite(path, match.params(), match.route().spec().rewrite());
      if (rewritten == null || !rewritten.startsWith("/")) {
        throw new AssertionError("rewrote " + path + " to " + rewritten);
      }
    }
  }
}
