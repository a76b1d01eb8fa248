package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With nothing configured, a node starts its own embedded backends; a restart sees the same data. */
class RestartTest {

  @Test
  void embeddedBackendsKeepDataAcrossARestart() throws Exception {
    Map<String, String> flags = TestNodes.base(TestNodes.uniqueCluster("restart"));
    Vertx vertx = Vertx.vertx();
    Gantry first = TestNodes.start(flags);
    String location;
    JsonObject order;
    try {
      assertEquals(3, first.backends().owned().size(), "postgres, redis and kafka started here");
      assertTrue(first.backends().pgUrl().startsWith("postgresql://postgres@127.0.0.1:"));
      WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(first.httpPort()));
      HttpResponse<Buffer> created = client.post("/api/orders").putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer("{\"items\":[{\"productId\":9,\"quantity\":2}]}")).await();
      assertEquals(201, created.statusCode(), created.bodyAsString());
      location = created.getHeader("Location");
      order = created.bodyAsJsonObject();
      client.close();
    } finally {
      TestNodes.stop(first);
    }

    Gantry second = TestNodes.start(flags);
    try {
      WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(second.httpPort()));
      HttpResponse<Buffer> read = client.get(location).send().await();
      assertEquals(200, read.statusCode(), read.bodyAsString());
      assertEquals(order, read.bodyAsJsonObject());
      JsonObject all = client.get("/api/products?limit=100").send().await().bodyAsJsonObject();
      assertEquals(12, all.getJsonArray("items").size(), "seed data is inserted on the first start only");
      assertEquals(200, client.get("/health/ready").send().await().statusCode());
      client.close();
    } finally {
      TestNodes.stop(second);
      vertx.close().await();
    }
  }
}
