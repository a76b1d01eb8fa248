package dev.gantry.services.catalog;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.catalog.ListProducts;
import dev.gantry.codecs.catalog.Product;
import dev.gantry.codecs.catalog.ProductPage;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Products in Postgres, paged by id so a page is stable while rows are added. */
final class ProductStore {
  private static final String COLUMNS = "id, sku, name, description, price_cents, currency";
  private final Pool pool;

  ProductStore(Pool pool) {
    this.pool = pool;
  }

  Future<ProductPage> page(ListProducts query) {
    long after = query.cursor() == null ? 0 : decodeCursor(query.cursor());
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM products WHERE id > $1 ORDER BY id LIMIT $2")
        .execute(Tuple.of(after, query.limit() + 1))
        .map(rows -> {
          List<Product> items = new ArrayList<>(query.limit());
          for (Row row : rows) {
            items.add(product(row));
          }
          boolean more = items.size() > query.limit();
          if (more) {
            items.remove(items.size() - 1);
          }
          return new ProductPage(items, more ? encodeCursor(items.get(items.size() - 1).id()) : null);
        });
  }

  Future<Product> find(long id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM products WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> {
          if (rows.size() == 0) {
            throw new ServiceException(Failure.NOT_FOUND, "id: product " + id + " does not exist");
          }
          return product(rows.iterator().next());
        });
  }

  /** The products of {@code ids}, in their order; null for an id that names none. */
  Future<List<Product>> findMany(List<Long> ids) {
    List<Long> known = ids.stream().filter(java.util.Objects::nonNull).distinct().toList();
    if (known.isEmpty()) {
      return Future.succeededFuture(java.util.Collections.nCopies(ids.size(), null));
    }
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM products WHERE id = ANY($1)")
        .execute(Tuple.of(known.toArray(new Long[0])))
        .map(rows -> {
          java.util.Map<Long, Product> byId = new java.util.HashMap<>();
          rows.forEach(row -> byId.put(row.getLong("id"), product(row)));
          List<Product> found = new ArrayList<>(ids.size());
          ids.forEach(id -> found.add(id == null ? null : byId.get(id)));
          return found;
        });
  }

  static Product product(Row row) {
    return new Product(row.getLong("id"), row.getString("sku"), row.getString("name"),
        row.getString("description"), row.getLong("price_cents"), row.getString("currency"));
  }

  static String encodeCursor(long lastId) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(("p:" + lastId).getBytes(StandardCharsets.UTF_8));
  }

  static long decodeCursor(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith("p:")) {
        return Long.parseLong(text.substring(2));
      }
    } catch (IllegalArgumentException e) {
      // falls through to the error below: any undecodable cursor is the client's mistake
    }
    throw new ServiceException(Failure.BAD_REQUEST, "cursor: not a cursor returned by this API");
  }
}
