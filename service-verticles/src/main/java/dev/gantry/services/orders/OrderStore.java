package dev.gantry.services.orders;

import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.EnvelopeHeaders;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.orders.ChangeOrder;
import dev.gantry.codecs.orders.Order;
import dev.gantry.codecs.orders.OrderItem;
import dev.gantry.codecs.orders.OrderLine;
import dev.gantry.codecs.orders.PlaceOrder;
import dev.gantry.services.inventory.StockLedger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orders in Postgres, their stock in Redis. Placing one reserves the stock of every line first
 * (all or nothing), then writes the order, its lines, its outbox event and its idempotency key in
 * one transaction; if that transaction fails the reservation is released. Paying or cancelling
 * changes the status and writes its event in one transaction; a cancel then returns the stock.
 */
final class OrderStore {
  private static final Logger LOG = LoggerFactory.getLogger(OrderStore.class);
  static final String PLACED = "PLACED";

  /** An order as placed, its answer's body, and whether that answer is a replay of a first one. */
  record Placed(Order order, String body, boolean replayed) {}

  private final Pool pool;
  private final StockLedger stock;
  private final IdempotencyKeys keys;
  private final String topic;

  OrderStore(Pool pool, StockLedger stock, IdempotencyKeys keys, String topic) {
    this.pool = pool;
    this.stock = stock;
    this.keys = keys;
    this.topic = topic;
  }

  /** Places the order; {@code keyName} names the idempotency key in errors (header or field). */
  Future<Placed> place(PlaceOrder command, Envelope envelope, String keyName) {
    String key = command.idempotencyKey();
    if (key == null) {
      return placeNew(command, envelope, null, null, keyName);
    }
    String principal = envelope.principal() == null ? Envelope.ANONYMOUS : envelope.principal();
    String hash = IdempotencyKeys.hash(command);
    return keys.find(pool, principal, key).compose(answer -> answer != null
        ? Future.succeededFuture(replayed(IdempotencyKeys.replay(answer, hash, keyName)))
        : placeNew(command, envelope, principal, hash, keyName));
  }

  private Future<Placed> placeNew(PlaceOrder command, Envelope envelope, String principal, String hash,
      String keyName) {
    Long[] ids = command.items().stream().map(OrderItem::productId).toArray(Long[]::new);
    return pool.preparedQuery("SELECT id, price_cents, currency FROM products WHERE id = ANY($1)")
        .execute(Tuple.of(ids))
        .compose(rows -> {
          Map<Long, Row> products = new HashMap<>();
          rows.forEach(r -> products.put(r.getLong("id"), r));
          Order order = price(command, products);
          Map<Long, Integer> quantities = quantities(order);
          return stock.reserve(order.id(), quantities).compose(shortage -> {
            if (shortage != null) {
              OrderItem item = command.items().get(shortage.index());
              return Future.failedFuture(new ServiceException(Failure.CONFLICT, "items[" + shortage.index()
                  + "].quantity: " + item.quantity() + " wanted, " + Math.max(0, shortage.available())
                  + " of product " + item.productId() + " in stock"));
            }
            String body = order.toJson().encode();
            return pool.withTransaction(conn -> insert(conn, order, envelope)
                    .compose(v -> command.idempotencyKey() == null ? Future.succeededFuture()
                        : keys.record(conn, principal, command.idempotencyKey(), hash, order.id(), 201, body)))
                .map(v -> new Placed(order, body, false))
                .recover(e -> stock.release(order.id(), quantities)
                    .transform(released -> {
                      if (released.failed()) {
                        LOG.error("order {} not placed and its stock not returned: {}", order.id(),
                            released.cause().toString());
                      }
                      return Future.<Placed>failedFuture(e);
                    }));
          });
        })
        .recover(e -> e instanceof IdempotencyKeys.Taken
            // Another placement under this key committed first: answer as a retry of it.
            ? keys.find(pool, principal, command.idempotencyKey()).map(answer ->
                replayed(IdempotencyKeys.replay(answer, hash, keyName)))
            : Future.failedFuture(e));
  }

  /**
   * Gives back the units of reservations older than {@code age} whose order was never written:
   * what a node killed between reserving and committing leaves (its retry, under the same
   * Idempotency-Key, reserved anew for the order it placed). The future holds how many.
   */
  Future<Integer> releaseOrphans(Duration age) {
    return stock.takenBefore(System.currentTimeMillis() - age.toMillis()).compose(found -> {
      List<StockLedger.Reservation> candidates = found.stream().filter(r -> uuid(r.orderId()) != null).toList();
      if (candidates.isEmpty()) {
        return Future.succeededFuture(0);
      }
      UUID[] ids = candidates.stream().map(r -> uuid(r.orderId())).toArray(UUID[]::new);
      return pool.preparedQuery("SELECT id FROM orders WHERE id = ANY($1)").execute(Tuple.of(ids)).compose(rows -> {
        java.util.Set<String> written = new java.util.HashSet<>();
        rows.forEach(row -> written.add(row.getUUID("id").toString()));
        return Future.all(candidates.stream().filter(r -> !written.contains(r.orderId()))
                .map(r -> stock.release(r.orderId(), r.quantities())).toList())
            .map(all -> (int) all.<Boolean>list().stream().filter(Boolean::booleanValue).count());
      });
    });
  }

  private static UUID uuid(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Placed replayed(IdempotencyKeys.Answer answer) {
    return new Placed(Order.fromJson(new JsonObject(answer.body())), answer.body(), true);
  }

  private static Map<Long, Integer> quantities(Order order) {
    Map<Long, Integer> quantities = new LinkedHashMap<>();
    order.lines().forEach(l -> quantities.put(l.productId(), l.quantity()));
    return quantities;
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
    return conn.preparedQuery("INSERT INTO orders (id, status, total_cents, currency, request_id, "
            + "principal, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.of(id, order.status(), order.totalCents(), order.currency(),
            envelope.requestId(), envelope.principal(),
            OffsetDateTime.ofInstant(order.createdAt(), ZoneOffset.UTC)))
        .compose(v -> conn.preparedQuery("INSERT INTO order_lines (order_id, line_no, product_id, "
            + "quantity, unit_price_cents) VALUES ($1, $2, $3, $4, $5)").executeBatch(lines))
        .compose(v -> outbox(conn, "order.placed", order, order.createdAt(), envelope));
  }

  /** The event of a change, in the order's transaction: {@code {"type", "occurredAt", "order"}}. */
  private Future<Void> outbox(SqlConnection conn, String type, Order order, Instant at, Envelope envelope) {
    JsonObject event = new JsonObject().put("type", type).put("occurredAt", at.toString())
        .put("order", order.toJson());
    JsonObject headers = new JsonObject()
        .put(EnvelopeHeaders.REQUEST_ID, envelope.requestId())
        .put(EnvelopeHeaders.TRACEPARENT, envelope.traceparent());
    return conn.preparedQuery("INSERT INTO outbox (topic, record_key, payload, headers) VALUES ($1, $2, $3, $4)")
        .execute(Tuple.of(topic, order.id(), event, headers))
        .mapEmpty();
  }

  /**
   * Pays or cancels a placed order. Asking again for the status it has answers it again (and, for
   * a cancel, makes sure its stock is back); the other change is a 409.
   */
  Future<Order> change(ChangeOrder command, Envelope envelope) {
    UUID uuid = parseId(command.id());
    String target = command.action().status();
    Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
    return pool.withTransaction(conn -> conn
            .preparedQuery("UPDATE orders SET status = $2, updated_at = $3 WHERE id = $1 AND status = $4")
            .execute(Tuple.of(uuid, target, OffsetDateTime.ofInstant(at, ZoneOffset.UTC), PLACED))
            .compose(updated -> load(conn, uuid, command.id()).compose(order -> {
              if (updated.rowCount() == 1) {
                String type = command.action() == ChangeOrder.Action.PAY ? "order.paid" : "order.cancelled";
                return outbox(conn, type, order, at, envelope).map(order);
              }
              if (order.status().equals(target)) {
                return Future.succeededFuture(order);
              }
              return Future.failedFuture(new ServiceException(Failure.CONFLICT, "status: order " + command.id()
                  + " is " + order.status() + "; only a " + PLACED + " order can be "
                  + (command.action() == ChangeOrder.Action.PAY ? "paid" : "cancelled")));
            })))
        .compose(order -> (command.action() == ChangeOrder.Action.CANCEL
            ? stock.release(order.id(), quantities(order)).mapEmpty()
            : stock.settle(order.id())).map(order));
  }

  Future<Order> find(String id) {
    return load(pool, parseId(id), id);
  }

  private static UUID parseId(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new ServiceException(Failure.NOT_FOUND, "id: no order has the id " + id);
    }
  }

  private static Future<Order> load(SqlClient client, UUID uuid, String id) {
    return client.preparedQuery("SELECT o.id, o.status, o.total_cents, o.currency, o.created_at, "
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
