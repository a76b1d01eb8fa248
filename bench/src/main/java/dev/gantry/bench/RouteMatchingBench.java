package dev.gantry.bench;

import dev.gantry.gateway.route.RequestView;
import dev.gantry.gateway.route.RouteMatch;
import dev.gantry.gateway.route.RouteTable;
import dev.gantry.gateway.spec.GatewaySpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Matching a request against 1,000 routes (a third exact, a third templates, a third prefixes). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouteMatchingBench {
  private RouteTable table;
  private RequestView first;
  private RequestView middle;
  private RequestView miss;

  @Setup
  public void setUp() {
    JsonArray routes = new JsonArray();
    for (int i = 0; i < 1000; i++) {
      String path = switch (i % 3) {
        case 0 -> "/svc" + i + "/items";
        case 1 -> "/svc" + i + "/items/{id}";
        default -> "/svc" + i + "/static/**";
      };
      routes.add(new JsonObject().put("id", "r" + i).put("match", new JsonObject().put("path", path)).put("upstream", "u"));
    }
    JsonObject spec = new JsonObject().put("routes", routes).put("upstreams", new JsonArray()
        .add(new JsonObject().put("name", "u").put("targets", new JsonArray().add(new JsonObject().put("url", "http://127.0.0.1:1")))));
    table = new RouteTable(GatewaySpec.fromJson(spec).routes());
    first = RequestView.of("GET", "example.com", "/svc0/items");
    middle = RequestView.of("GET", "example.com", "/svc499/items/42");
    miss = RequestView.of("GET", "example.com", "/nowhere/at/all");
  }

  @Benchmark
  public RouteMatch exactRouteMatchedFirst() {
    return table.match(first);
  }

  @Benchmark
  public RouteMatch templateInTheMiddle() {
    return table.match(middle);
  }

  @Benchmark
  public RouteMatch noRouteMatches() {
    return table.match(miss);
  }
}
