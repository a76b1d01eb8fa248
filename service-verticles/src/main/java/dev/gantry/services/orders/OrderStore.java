package dev.gantry.services.orders;

import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.EnvelopeHeaders;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.orders.Order;
import dev.gantry.codecs.orders.OrderItem;
import dev.gantry.codecs.orders.OrderLine;
import dev.gantry.codecs.orders.PlaceOrder;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Orders in Postgres. Placing one writes the order, its lines and its outbox event atomically. */
final class OrderStore {
  static final String PLACED = "PLACED";
  private final Pool pool;
  private final String topic;

  OrderStore(Pool pool, String topic) {
    this.pool = pool;
    this.topic = topic;
  }

  Future<Order> place(PlaceOrder command, Envelope envelope) {
    Long[] ids = command.items().stream().map(OrderItem::productId).toArray(Long[]::new);
    return pool.withTransaction(conn -> conn
        .preparedQuery("SELECT id, price_cents, currency FROM products WHERE id = ANY($1)")
        .execute(Tuple.of(ids))
        .compose(rows -> {
          Map<Long, Row> products = new HashMap<>();
          rows.forEach(r -> products.put(r.getLong("id"), r));
          Order order = price(command, products);
          return insert(conn, order, envelope).map(order);
        }));
  }

  private static Order price(PlaceOrder command, Map<Long, Row> products) {
    List<OrderLine> lines = new ArrayList<>();
    String currency = null;
    long total = 0;
    for (int i = 0; i < command.items().size(); i++) {
      OrderItem item = command.items().get(i);
      Row product = products.get(item.productId());
      if (product == null) {
        throw new ServiceException(Failure.NOT_FOUND,
            "items[" + i + "].productId: product " + item.productId() + " does not exist");
      }
      String c = product.getString("currency");
      if (currency != null && !currency.equals(c)) {
        throw new ServiceException(Failure.UNPROCESSABLE, "items[" + i + "].productId: priced in "
            + c + " while the order is in " + currency);
      }
      currency = c;
      long price = product.getLong("price_cents");
      total = Math.addExact(total, Math.multiplyExact(price, item.quantity()));
      lines.add(new OrderLine(item.productId(), item.quantity(), price));
    }
    // Postgres keeps microseconds; truncating here makes the reply equal what a later read returns.
    return new Order(UUID.randomUUID().toString(), PLACED, lines, total, currency,
        Instant.now().truncatedTo(ChronoUnit.MICROS));
  }

  private Future<Void> insert(SqlConnection conn, Order order, Envelope envelope) {
    UUID id = UUID.fromString(order.id());
    List<Tuple> lines = new ArrayList<>();
    for (int i = 0; i < order.lines().size(); i++) {
      OrderLine l = order.lines().get(i);
      lines.add(Tuple.of(id, i + 1, l.productId(), l.quantity(), l.unitPriceCents()));
    }
    JsonObject event = new JsonObject().put("type", "order.placed").put("order", order.toJson());
    JsonObject headers = new JsonObject()
        .put(EnvelopeHeaders.REQUEST_ID, envelope.requestId())
        .put(EnvelopeHeaders.TRACEPARENT, envelope.traceparent());
    return conn.preparedQuery("INSERT INTO orders (id, status, total_cents, currency, request_id, "
            + "principal, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.of(id, order.status(), order.totalCents(), order.currency(),
            envelope.requestId(), envelope.principal(),
            OffsetDateTime.ofInstant(order.createdAt(), java.time.ZoneOffset.UTC)))
        .compose(v -> conn.preparedQuery("INSERT INTO order_lines (order_id, line_no, product_id, "
            + "quantity, unit_price_cents) VALUES ($1, $2, $3, $4, $5)").executeBatch(lines))
        .compose(v -> conn.preparedQuery("INSERT INTO outbox (topic, record_key, payload, headers) "
            + "VALUES ($1, $2, $3, $4)").execute(Tuple.of(topic, order.id(), event, headers)))
        .mapEmpty();
  }

  Future<Order> find(String id) {
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new ServiceException(Failure.NOT_FOUND,
          "id: no order has the id " + id));
    }
    return pool.preparedQuery("SELECT o.id, o.status, o.total_cents, o.currency, o.created_at, "
            + "l.product_id, l.quantity, l.unit_price_cents FROM orders o "
            + "JOIN order_lines l ON l.order_id = o.id WHERE o.id = $1 ORDER BY l.line_no")
        .execute(Tuple.of(uuid))
        .map(rows -> {
          if (rows.size() == 0) {
            throw new ServiceException(Failure.NOT_FOUND, "id: no order has the id " + id);
          }
          List<OrderLine> lines = new ArrayList<>();
          Row first = null;
          for (Row r : rows) {
            first = first == null ? r : first;
            lines.add(new OrderLine(r.getLong("product_id"), r.getInteger("quantity"),
                r.getLong("unit_price_cents")));
          }
          return new Order(first.getUUID("id").toString(), first.getString("status"), lines,
              first.getLong("total_cents"), first.getString("currency"),
              first.getOffsetDateTime("created_at").toInstant());
        });
  }
}
