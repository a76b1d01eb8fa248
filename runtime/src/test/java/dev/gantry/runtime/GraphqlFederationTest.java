package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.services.sdk.GraphqlPart;
import dev.gantry.services.sdk.ServiceContext;
import dev.gantry.services.sdk.ServiceEndpoints;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The served schema is composed from what live services on any node publish: a service on a
 * second node extends the catalog's Product, a conflicting part is refused while the schema stays,
 * and the schema loses the extension when that node stops.
 */
class GraphqlFederationTest {
  private Gantry a;
  private Gantry b;
  private Vertx vertx;

  @BeforeEach
  void start() throws Exception {
    String cluster = TestNodes.uniqueCluster("federation");
    Map<String, String> first = TestNodes.onKitBackends(cluster);
    first.put("admin.token", "secret-token");
    first.put("admin.port", "0");
    a = TestNodes.start(first);
    Map<String, String> second = TestNodes.base(cluster);
    second.put("roles", "gateway");
    second.put("cluster.join", "127.0.0.1:" + a.clusterPort());
    b = TestNodes.start(second);
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    TestNodes.stop(b);
    TestNodes.stop(a);
    vertx.close().await();
  }

  /** A service of its own on a node: reviews of the catalog's products, batched by product id. */
  static final class Reviews extends VerticleBase {
    private final ServiceContext context;
    private final String service;
    private final String sdl;
    private ServiceEndpoints endpoints;

    Reviews(ServiceContext context, String service, String sdl) {
      this.context = context;
      this.service = service;
      this.sdl = sdl;
    }

    @Override
    public Future<?> start() {
      endpoints = new ServiceEndpoints(vertx, context);
      GraphqlPart part = new GraphqlPart(service, sdl);
      if (sdl.contains("extend type Product")) {
        part.batch("Product.reviews", "id", (keys, args, env) -> {
          List<Object> values = new ArrayList<>();
          keys.forEach(k -> values.add(new JsonArray().add(new JsonObject().put("stars", 5).put("text", "about " + k))));
          return Future.succeededFuture(values);
        });
      } else {
        part.fetch("Query.rogue", (args, source, env) -> Future.succeededFuture(1));
      }
      return endpoints.bindHttp(service, "v1", (call, env) -> Future.failedFuture("no HTTP"))
          .compose(v -> endpoints.bindGraphql(part));
    }

    @Override
    public Future<?> stop() {
      return endpoints.close();
    }
  }

  private HttpResponse<Buffer> query(Gantry on, String query) {
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(on.httpPort()));
    return client.post("/graphql").putHeader("Content-Type", "application/json")
        .putHeader("Accept", "application/graphql-response+json")
        .sendJsonObject(new JsonObject().put("query", query)).await();
  }

  /** Asks until {@code wanted} holds (composition follows publication within moments), or 20 s pass. */
  private HttpResponse<Buffer> until(Gantry on, String query, Predicate<HttpResponse<Buffer>> wanted) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    HttpResponse<Buffer> r;
    do {
      r = query(on, query);
      if (wanted.test(r)) {
        return r;
      }
      vertx.timer(100).await();
    } while (System.currentTimeMillis() < deadline);
    return r;
  }

  @Test
  void aServiceOnAnotherNodeExtendsTheSchemaUntilItsNodeStops() throws Exception {
    String reviews = "{ product(id: \"1\") { name stock reviews { stars text } } }";
    b.vertx().deployVerticle(new Reviews(new ServiceContext(b.nodeId(), "default", ServiceCatalog.create(b.vertx())),
        "reviews", "type Review { stars: Int! text: String }\nextend type Product { reviews: [Review!]! }")).await();
    HttpResponse<Buffer> joined = until(a, reviews, r -> r.statusCode() == 200);
    assertEquals(200, joined.statusCode(), joined.bodyAsString());
    JsonObject product = joined.bodyAsJsonObject().getJsonObject("data").getJsonObject("product");
    assertEquals("about 1", product.getJsonArray("reviews").getJsonObject(0).getString("text"), "resolved on node b");
    assertEquals(200, until(b, reviews, r -> r.statusCode() == 200).statusCode(),
        "node b's gateway serves the catalog and inventory of node a too");

    // a part that would redefine the catalog's type is refused; the schema stays as it was
    b.vertx().deployVerticle(new Reviews(new ServiceContext(b.nodeId(), "default", ServiceCatalog.create(b.vertx())),
        "rogue", "type Product { id: ID! }\nextend type Query { rogue: Int }")).await();
    WebClient admin = WebClient.create(vertx, new WebClientOptions().setDefaultPort(a.adminPort()));
    long deadline = System.currentTimeMillis() + 20_000;
    JsonObject status;
    do {
      status = admin.get("/admin/graphql").putHeader("Authorization", "Bearer secret-token").send().await().bodyAsJsonObject();
    } while (!status.getJsonObject("refused").containsKey("rogue") && System.currentTimeMillis() < deadline
        && vertx.timer(100).map(true).await());
    assertTrue(status.getJsonObject("refused").getString("rogue", "").contains("defines type Product, which catalog defines"),
        status.encode());
    assertEquals(200, query(a, reviews).statusCode());
    assertEquals(400, query(a, "{ rogue }").statusCode());

    TestNodes.stop(b);
    b = null;
    HttpResponse<Buffer> left = until(a, reviews, r -> r.statusCode() == 400);
    assertEquals(400, left.statusCode(), "the extension went with its node: " + left.bodyAsString());
    assertTrue(left.bodyAsString().contains("reviews"), left.bodyAsString());
    assertEquals(200, query(a, "{ product(id: \"1\") { name stock } }").statusCode());
  }
}
