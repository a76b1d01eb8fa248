package dev.gantry.services.orders;

import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.JsonFields;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import dev.gantry.codecs.orders.ChangeOrder;
import dev.gantry.codecs.orders.Order;
import dev.gantry.codecs.orders.PlaceOrder;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.Locale;
import java.util.Map;

/**
 * Orders as an HTTP-shaped service, for routes with {@code service: orders}: {@code POST /orders}
 * (a JSON order, optionally under an {@code Idempotency-Key}; 201 with {@code Location:
 * /orders/{id}}, which a prefix route maps back into its own path), {@code GET /orders/{id}}, and
 * {@code POST /orders/{id}/pay} and {@code /cancel}.
 */
final class OrdersHttp {
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  /** Set on an answer that repeats the first one given under the same idempotency key. */
  static final String REPLAYED = "Idempotent-Replayed";

  private final OrderStore store;
  private final java.util.function.Consumer<Order> changed;

  /** @param changed called after each order is stored or changed (nudges the outbox relay) */
  OrdersHttp(OrderStore store, java.util.function.Consumer<Order> changed) {
    this.store = store;
    this.changed = changed;
  }

  Future<HttpReply> handle(HttpCall call, Envelope envelope) {
    String path = call.path();
    if (path.equals("/orders")) {
      if (!call.method().equals("POST")) {
        return Future.succeededFuture(notAllowed(call));
      }
      return place(call, envelope);
    }
    if (!path.startsWith("/orders/")) {
      return Future.succeededFuture(HttpReply.problem(Failure.NOT_FOUND, "no resource " + path, path));
    }
    String[] parts = path.substring("/orders/".length()).split("/", -1);
    if (parts.length == 1) {
      if (!call.method().equals("GET") && !call.method().equals("HEAD")) {
        return Future.succeededFuture(notAllowed(call));
      }
      return store.find(parts[0]).map(order -> HttpReply.json(200, order.toJson()));
    }
    ChangeOrder.Action action = parts.length != 2 ? null : switch (parts[1]) {
      case "pay" -> ChangeOrder.Action.PAY;
      case "cancel" -> ChangeOrder.Action.CANCEL;
      default -> null;
    };
    if (action == null) {
      return Future.succeededFuture(HttpReply.problem(Failure.NOT_FOUND, "no resource " + path, path));
    }
    if (!call.method().equals("POST")) {
      return Future.succeededFuture(notAllowed(call));
    }
    return store.change(new ChangeOrder(parts[0], action), envelope).onSuccess(changed::accept)
        .map(order -> HttpReply.json(200, order.toJson()));
  }

  private Future<HttpReply> place(HttpCall call, Envelope envelope) {
    String type = header(call, "Content-Type");
    if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new ServiceException(Failure.UNSUPPORTED_MEDIA_TYPE, "body: expected application/json, got " + type);
    }
    String key = header(call, IDEMPOTENCY_KEY);
    // Over HTTP the key is the header's; one in the body is not taken.
    PlaceOrder command = PlaceOrder.fromJson(JsonFields.bodyObject(call.body())).withIdempotencyKey(key, IDEMPOTENCY_KEY);
    return store.place(command, envelope, IDEMPOTENCY_KEY).onSuccess(placed -> {
      if (!placed.replayed()) {
        changed.accept(placed.order());
      }
    }).map(placed -> new HttpReply(201, placed.replayed()
        ? Map.of("Content-Type", "application/json", "Location", "/orders/" + placed.order().id(), REPLAYED, "true")
        : Map.of("Content-Type", "application/json", "Location", "/orders/" + placed.order().id()),
        Buffer.buffer(placed.body())));
  }

  private static HttpReply notAllowed(HttpCall call) {
    return HttpReply.problem(Failure.METHOD_NOT_ALLOWED, call.method() + " is not allowed on " + call.path(), call.path());
  }

  private static String header(HttpCall call, String name) {
    for (Map.Entry<String, String> h : call.headers().entrySet()) {
      if (h.getKey().equalsIgnoreCase(name)) {
        return h.getValue();
      }
    }
    return null;
  }
}
