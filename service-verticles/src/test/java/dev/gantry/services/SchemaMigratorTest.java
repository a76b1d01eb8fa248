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
      assertEquals(3, SchemaMigrator.migrate(vertx, pool).await());
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
}
