package dev.gantry.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gantry.services.schema.SchemaMigrator;
import dev.gantry.services.sdk.ServiceBackends;
import dev.gantry.testkit.TestBackends;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class SchemaMigratorTest {

  @Test
  void appliesEachMigrationOnceAndRefusesAChangedOne(Vertx vertx) {
    TestBackends kit = TestBackends.shared();
    ServiceBackends backends = new ServiceBackends(kit.newPgDatabase(), 4, kit.newRedisUrl(), 1,
        kit.kafkaBootstrap());
    Pool pool = backends.pgPool(vertx);
    try {
      assertEquals(4, SchemaMigrator.migrate(vertx, pool).await());
      assertEquals(0, SchemaMigrator.migrate(vertx, pool).await());
      assertEquals(12L, pool.query("SELECT count(*) FROM products").execute().await()
          .iterator().next().getLong(0));

      pool.query("UPDATE gantry_schema_history SET checksum = 'x' WHERE version = 2").execute().await();
      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> SchemaMigrator.migrate(vertx, pool).await());
      assertEquals("schema migration V2 (orders) changed after it was applied", refused.getMessage());
    } finally {
      pool.close().await();
    }
  }

  @Test
  void nodesStartingAtOnceApplyEachMigrationExactlyOnce() {
    TestBackends kit = TestBackends.shared();
    String database = kit.newPgDatabase();
    // Four nodes, each with its own Vert.x and pool, migrating the same new database at once.
    java.util.List<Vertx> nodes = new java.util.ArrayList<>();
    java.util.List<Pool> pools = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        Vertx node = Vertx.vertx();
        nodes.add(node);
        pools.add(new ServiceBackends(database, 2, "redis://127.0.0.1:1", 1, kit.kafkaBootstrap()).pgPool(node)); // Postgres only
      }
      java.util.List<io.vertx.core.Future<Integer>> runs = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        runs.add(SchemaMigrator.migrate(nodes.get(i), pools.get(i)));
      }
      io.vertx.core.Future.join(runs).await();
      java.util.List<Integer> applied = runs.stream().map(io.vertx.core.Future::result).sorted().toList();
      assertEquals(java.util.List.of(0, 0, 0, 4), applied, "one node applied all four, the others none");
      Pool pool = pools.get(0);
      assertEquals(4L, pool.query("SELECT count(*) FROM gantry_schema_history").execute().await().iterator().next().getLong(0));
      assertEquals(12L, pool.query("SELECT count(*) FROM products").execute().await().iterator().next().getLong(0),
          "the seed ran once");
    } finally {
      pools.forEach(p -> p.close().await());
      nodes.forEach(n -> n.close().await());
    }
  }
}
