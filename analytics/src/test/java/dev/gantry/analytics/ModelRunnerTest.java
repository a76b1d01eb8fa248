package dev.gantry.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.analytics.ingest.OrderEvent;
import dev.gantry.analytics.model.Model;
import dev.gantry.analytics.model.ModelRunner;
import dev.gantry.analytics.model.ModelSet;
import dev.gantry.analytics.model.ModelStatus;
import dev.gantry.analytics.warehouse.Warehouse;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQL models on a real DuckDB file: incremental builds, failures, dependencies. */
class ModelRunnerTest {
  private static final Instant D1 = Instant.parse("2026-11-20T10:00:00Z");
  private static final Instant D2 = Instant.parse("2026-11-21T10:00:00Z");
  private static final Instant D3 = Instant.parse("2026-11-22T23:59:59Z");
  @TempDir Path dir;

  @Test
  void anIncrementalRebuildTakesOnlyWhatChangedAndEqualsAFullOne() {
    List<OrderEvent> first = new ArrayList<>();
    first.add(placed(1, "o1", D1, "EUR", line(1, 2, 1000), line(2, 1, 500)));
    first.add(placed(2, "o2", D1, "EUR", line(1, 1, 1000)));
    first.add(placed(3, "o3", D2, "USD", line(3, 5, 200)));
    first.add(changed(4, "o2", "order.paid", "PAID", D2, 1000, "EUR"));
    List<OrderEvent> second = new ArrayList<>();
    second.add(changed(5, "o1", "order.cancelled", "CANCELLED", D3, 2500, "EUR")); // changes day D1
    second.add(placed(6, "o4", D3, "EUR", line(2, 3, 500)));
    second.add(placed(7, "o5", D2, "USD", line(3, 1, 200)));

    try (Warehouse live = Warehouse.open(dir.resolve("live")); Warehouse scratch = Warehouse.open(dir.resolve("scratch"))) {
      ModelRunner runner = new ModelRunner(live, ModelSet.builtIn());
      live.ingest(first);
      assertEquals(Map.of("orders", "full", "daily_revenue", "full", "top_products_daily", "full", "order_funnel", "full"),
          modes(runner.run(false)));
      live.ingest(second);
      List<ModelStatus> after = runner.run(false);
      assertEquals(Map.of("orders", "incremental", "daily_revenue", "incremental", "top_products_daily", "incremental",
          "order_funnel", "full"), modes(after));
      after.forEach(s -> assertEquals(7, s.lastSeq(), s.name()));

      ModelRunner full = new ModelRunner(scratch, ModelSet.builtIn());
      scratch.ingest(first);
      scratch.ingest(second);
      full.run(true);
      for (String model : ModelSet.BUILT_IN) {
        assertEquals(table(scratch, model), table(live, model), model + ": incremental equals from scratch");
      }
      assertEquals(List.of(
              "2026-11-20|EUR|2|1|1000|1000|2500",
              "2026-11-21|USD|2|2|1200|0|0",
              "2026-11-22|EUR|1|1|1500|0|0"),
          table(live, "daily_revenue"), "o1 cancelled leaves o2 (paid) on the 20th");
      assertEquals(List.of("2026-11-20|2|0|1|1|0.5", "2026-11-21|2|2|0|0|0.0", "2026-11-22|1|1|0|0|0.0"),
          table(live, "order_funnel"));
      assertTrue(table(live, "top_products_daily").contains("2026-11-20|1|EUR|1|1000|1"),
          table(live, "top_products_daily").toString());
    }
  }

  @Test
  void aFailingModelKeepsItsLastGoodTableReportsTheErrorAndItsDependentsWait() {
    Model orders = ModelSet.builtIn().find("orders").orElseThrow();
    Model good = Model.parse("per_currency", "SELECT currency, count(*) AS n FROM {{ ref('orders') }} GROUP BY currency");
    Model broken = Model.parse("per_currency", "SELECT currency, count(no_such_column) AS n FROM {{ ref('orders') }} GROUP BY currency");
    Model dependent = Model.parse("busiest", "{{ config(materialized='table') }} SELECT max(n) AS n FROM {{ ref('per_currency') }}");
    try (Warehouse w = Warehouse.open(dir)) {
      w.ingest(List.of(placed(1, "o1", D1, "EUR", line(1, 1, 100)), placed(2, "o2", D1, "USD", line(1, 1, 100))));
      ModelStatus built = status(new ModelRunner(w, new ModelSet(List.of(orders, good, dependent))).run(false), "per_currency");
      assertNull(built.lastError());

      w.ingest(List.of(placed(3, "o3", D2, "EUR", line(1, 1, 100))));
      List<ModelStatus> after = new ModelRunner(w, new ModelSet(List.of(orders, broken, dependent))).run(false);
      ModelStatus failed = status(after, "per_currency");
      assertTrue(failed.lastError().contains("no_such_column"), failed.lastError());
      assertNotNull(failed.lastErrorAt());
      assertEquals(built.builtAt(), failed.builtAt(), "the last good build is still the one served");
      assertEquals(List.of("EUR|1", "USD|1"), table(w, "per_currency"), "the last good table, untouched");
      assertEquals("not rebuilt: ref('per_currency') failed", status(after, "busiest").lastError());
      assertEquals(List.of("1"), table(w, "busiest"));
      assertNull(status(after, "orders").lastError());
      assertEquals(3L, status(after, "orders").rows());

      ModelStatus fixed = status(new ModelRunner(w, new ModelSet(List.of(orders, good, dependent))).run(false), "per_currency");
      assertNull(fixed.lastError(), "a good build clears the error");
      assertEquals(List.of("EUR|2", "USD|1"), table(w, "per_currency"));
    }
  }

  @Test
  void modelFilesAreCheckedWhenRead() {
    assertEquals("model x: unknown template expression {{ source('raw') }}",
        assertThrows(IllegalArgumentException.class, () -> Model.parse("x", "SELECT * FROM {{ source('raw') }}")).getMessage());
    assertEquals("model x: an incremental model needs unique_key", assertThrows(IllegalArgumentException.class,
        () -> Model.parse("x", "{{ config(materialized='incremental') }} SELECT 1")).getMessage());
    assertEquals("model x: config: materialized must be table, view or incremental, got ephemeral",
        assertThrows(IllegalArgumentException.class,
            () -> Model.parse("x", "{{ config(materialized='ephemeral') }} SELECT 1")).getMessage());
    assertEquals("model a: ref('nope') names no model", assertThrows(IllegalArgumentException.class,
        () -> new ModelSet(List.of(Model.parse("a", "SELECT * FROM {{ ref('nope') }}")))).getMessage());
    assertEquals("models ref each other in a cycle: a → b → a", assertThrows(IllegalArgumentException.class,
        () -> new ModelSet(List.of(Model.parse("a", "SELECT * FROM {{ ref('b') }}"),
            Model.parse("b", "SELECT * FROM {{ ref('a') }}")))).getMessage());
  }

  static OrderEvent placed(long id, String order, Instant at, String currency, OrderEvent.Line... lines) {
    long total = 0;
    List<OrderEvent.Line> numbered = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      total += lines[i].quantity() * lines[i].unitPriceCents();
      numbered.add(new OrderEvent.Line(i + 1, lines[i].productId(), lines[i].quantity(), lines[i].unitPriceCents()));
    }
    return new OrderEvent("e" + id, "order.placed", order, "PLACED", currency, total, at, 0, id, numbered);
  }

  static OrderEvent changed(long id, String order, String type, String status, Instant at, long total, String currency) {
    return new OrderEvent("e" + id, type, order, status, currency, total, at, 0, id, List.of());
  }

  static OrderEvent.Line line(long product, int quantity, long price) {
    return new OrderEvent.Line(0, product, quantity, price);
  }

  private static Map<String, String> modes(List<ModelStatus> statuses) {
    return statuses.stream().collect(Collectors.toMap(ModelStatus::name, ModelStatus::mode));
  }

  private static ModelStatus status(List<ModelStatus> statuses, String name) {
    return statuses.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  /** Every row as text, columns joined by |, sorted: equal tables give equal lists. */
  static List<String> table(Warehouse w, String name) {
    return w.read(conn -> {
      List<String> rows = new ArrayList<>();
      try (Statement s = conn.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM " + Warehouse.quote(name))) {
        int n = r.getMetaData().getColumnCount();
        while (r.next()) {
          List<String> cells = new ArrayList<>();
          for (int c = 1; c <= n; c++) {
            cells.add(String.valueOf(r.getObject(c)));
          }
          rows.add(String.join("|", cells));
        }
      }
      rows.sort(String::compareTo);
      return rows;
    });
  }
}
