package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.embedded.FreePort;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node serving orders killed with SIGKILL under order load, clients retrying each order with
 * its {@code Idempotency-Key} (and each cancel) until it is answered: no order acknowledged with
 * 201 is missing afterwards, no key placed two orders, and the warehouse, which ingests
 * {@code orders.v1}, holds each order's two events once. {@code chaos/run} runs it longer
 * ({@code -Dchaos.orders}, {@code -Dchaos.clients}).
 */
class OrderLossIT {
  static final int ORDERS = Integer.getInteger("chaos.orders", 160);
  static final int CLIENTS = Integer.getInteger("chaos.clients", 4);
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void killingTheOrdersNodeUnderRetriedOrderLoadLosesNoAcknowledgedOrderAndTheWarehouseCountsEachEventOnce()
      throws Exception {
    int clusterPort = FreePort.pick();
    // The gateway and the warehouse (with the embedded backends) on one node, orders on two others.
    try (JarNode gateway = JarNode.launch(dir, "--roles", "gateway,analytics", "--http-port", "0",
            "--cluster-port", Integer.toString(clusterPort), "--cluster-name", "order-loss",
            "--data-dir", dir.resolve("g").toString());
         JarNode s1 = services("s1", clusterPort, gateway);
         JarNode s2 = services("s2", clusterPort, gateway)) {
      s1.awaitReady(180);
      s2.awaitReady(180);
      String base = "http://127.0.0.1:" + gateway.httpPort();
      Map<Integer, Long> stockBefore = stock(base);

      Map<String, String> acknowledged = new ConcurrentHashMap<>(); // Idempotency-Key -> order id
      Map<String, AtomicInteger> servedBy = new ConcurrentHashMap<>();
      List<String> failures = new CopyOnWriteArrayList<>();
      AtomicInteger next = new AtomicInteger();
      AtomicInteger requests = new AtomicInteger();
      AtomicInteger retries = new AtomicInteger();
      AtomicLong slowest = new AtomicLong();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        Thread t = new Thread(() -> {
          for (int i = next.getAndIncrement(); i < ORDERS; i = next.getAndIncrement()) {
            String key = UUID.randomUUID().toString();
            String body = "{\"items\":[{\"productId\":" + (1 + i % 12) + ",\"quantity\":1}]}";
            try {
              long t0 = System.nanoTime();
              HttpResponse<String> placed = untilAnswered(HttpRequest.newBuilder(URI.create(base + "/api/orders"))
                  .header("Content-Type", "application/json").header("Idempotency-Key", key)
                  .POST(HttpRequest.BodyPublishers.ofString(body)).build(), requests, retries);
              slowest.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
              if (placed.statusCode() != 201) {
                failures.add("order " + key + ": " + placed.statusCode() + " " + placed.body());
                continue;
              }
              String id = new JsonObject(placed.body()).getString("id");
              acknowledged.put(key, id);
              placed.headers().firstValue("X-Gantry-Served-By")
                  .ifPresent(n -> servedBy.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet());
              // Cancelling gives the units back, so any number of orders finds stock; a cancel
              // asked again answers 200 and does nothing more.
              long t1 = System.nanoTime();
              HttpResponse<String> cancelled = untilAnswered(HttpRequest.newBuilder(
                  URI.create(base + "/api/orders/" + id + "/cancel")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                  requests, retries);
              slowest.accumulateAndGet((System.nanoTime() - t1) / 1_000_000, Math::max);
              if (cancelled.statusCode() != 200) {
                failures.add("cancel " + id + ": " + cancelled.statusCode() + " " + cancelled.body());
              }
            } catch (Exception e) {
              failures.add("order " + key + ": " + e);
            }
          }
        }, "orders-" + c);
        t.start();
        clients.add(t);
      }
      Set<String> serviceNodes = Set.of(s1.nodeId(), s2.nodeId());
      awaitCount(() -> servedBy.keySet().containsAll(serviceNodes) && acknowledged.size() >= ORDERS / 3,
          Duration.ofMinutes(3), () -> "orders served by both service nodes: " + servedBy);
      int before = acknowledged.size();
      s1.kill9();
      System.out.println(java.time.LocalTime.now() + " kill -9 s1 after " + before + " orders");
      for (Thread t : clients) {
        t.join(300_000);
      }
      System.out.printf("%d orders (placed and cancelled) by %d clients, s1 killed after %d: %d requests, %d answered "
          + "503 or not at all and retried, %d failed, slowest %d ms; served by %s%n", ORDERS, CLIENTS, before,
          requests.get(), retries.get(), failures.size(), slowest.get(), servedBy);
      assertEquals(List.of(), failures);
      assertEquals(ORDERS, acknowledged.size(), "every order acknowledged");
      Set<String> ids = new HashSet<>(acknowledged.values());
      assertEquals(ORDERS, ids.size(), "one order per Idempotency-Key");
      for (String id : ids) {
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(base + "/api/orders/" + id)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, read.statusCode(), "acknowledged order " + id + " is there: " + read.body());
        assertEquals("CANCELLED", new JsonObject(read.body()).getString("status"), read.body());
      }

      // The warehouse: one placed and one cancelled event per order, whatever the outbox sent twice.
      JsonObject ingest = awaitWarehouse(base, 2L * ORDERS);
      JsonArray rows = new JsonObject(get(base + "/api/analytics/orders?limit=10000").body()).getJsonArray("rows");
      Map<String, String> statuses = new TreeMap<>();
      rows.forEach(r -> statuses.put(((JsonObject) r).getString("order_id"), ((JsonObject) r).getString("status")));
      System.out.println("warehouse: " + ingest.encode() + ", " + statuses.size() + " orders in the orders model");
      assertEquals(ids, statuses.keySet(), "the warehouse has exactly the acknowledged orders");
      assertTrue(statuses.values().stream().allMatch("CANCELLED"::equals), "each order's latest event applied");
      assertEquals(2L * ORDERS, ingest.getLong("events"), "each order's two events stored once");
      // A reservation s1 took for an order it never wrote goes back once 2 s old (see the services' config).
      Map<String, Map<Integer, Long>> stockAfter = new ConcurrentHashMap<>();
      awaitCount(() -> {
        try {
          stockAfter.put("now", stock(base));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        return stockBefore.equals(stockAfter.get("now"));
      }, Duration.ofSeconds(60), () -> "every unit back in stock once every order is cancelled: before " + stockBefore
          + ", now " + stockAfter.get("now"));
      assertTrue(s2.stop(30) && gateway.stop(60), "the survivors stop with exit 0");
    }
  }

  private JarNode services(String name, int clusterPort, JarNode gateway) throws Exception {
    gateway.awaitReady(180); // the embedded backends are published
    java.nio.file.Files.writeString(dir.resolve("services.yaml"), "orders: {orphan-reservation-age-ms: 2000}\n");
    return JarNode.launch(dir, "--config", dir.resolve("services.yaml").toString(), "--roles", "services", "--join", "127.0.0.1:" + clusterPort, "--cluster-port", "0",
        "--cluster-name", "order-loss", "--data-dir", dir.resolve(name).toString());
  }

  /**
   * Sends until answered with something other than a 503 or no answer at all: what a client does
   * with a request the gateway could not say was done (the node died with it in flight).
   */
  private HttpResponse<String> untilAnswered(HttpRequest request, AtomicInteger requests, AtomicInteger retries)
      throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      requests.incrementAndGet();
      try {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 503 || System.nanoTime() > until) {
          return r;
        }
      } catch (IOException e) {
        if (System.nanoTime() > until) {
          throw e;
        }
      }
      retries.incrementAndGet();
    }
  }

  private Map<Integer, Long> stock(String base) throws Exception {
    Map<Integer, Long> available = new TreeMap<>();
    for (int product = 1; product <= 12; product++) {
      available.put(product, new JsonObject(get(base + "/api/inventory/" + product).body()).getLong("available"));
    }
    return available;
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Rebuilds the models until the warehouse has {@code events} raw events and every order built. */
  private JsonObject awaitWarehouse(String base, long events) throws Exception {
    long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    JsonObject ingest;
    do {
      http.send(HttpRequest.newBuilder(URI.create(base + "/api/analytics/_rebuild")).POST(HttpRequest.BodyPublishers.noBody())
          .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      ingest = new JsonObject(get(base + "/api/analytics").body()).getJsonObject("ingest");
      assertTrue(System.nanoTime() < until, "the warehouse has " + ingest + ", expected " + events + " events");
    } while (ingest.getLong("events") < events);
    // Built after the last event arrived: one more round covers it.
    http.send(HttpRequest.newBuilder(URI.create(base + "/api/analytics/_rebuild")).POST(HttpRequest.BodyPublishers.noBody())
        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    return ingest;
  }

  private static void awaitCount(java.util.function.BooleanSupplier condition, Duration within,
      java.util.function.Supplier<String> what) throws InterruptedException {
    long until = System.nanoTime() + within.toNanos();
    Object lock = new Object();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < until, what.get());
      synchronized (lock) {
        lock.wait(20);
      }
    }
  }
}
