package dev.gantry.services.orders;

import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.JsonFields;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import dev.gantry.codecs.orders.Order;
import dev.gantry.codecs.orders.PlaceOrder;
import io.vertx.core.Future;
import java.util.Locale;
import java.util.Map;

/**
 * Orders as an HTTP-shaped service, for routes with {@code service: orders}: {@code POST /orders}
 * (a JSON order; 201 with {@code Location: /orders/{id}}, which a prefix route maps back into its
 * own path) and {@code GET /orders/{id}}.
 */
final class OrdersHttp {
  private final OrderStore store;
  private final Runnable placed;

  /** @param placed called after each order is stored (nudges the outbox relay) */
  OrdersHttp(OrderStore store, Runnable placed) {
    this.store = store;
    this.placed = placed;
  }

  Future<HttpReply> handle(HttpCall call, Envelope envelope) {
    String path = call.path();
    if (path.equals("/orders")) {
      if (!call.method().equals("POST")) {
        return Future.succeededFuture(notAllowed(call));
      }
      String type = header(call, "Content-Type");
      if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
        throw new ServiceException(Failure.UNSUPPORTED_MEDIA_TYPE, "body: expected application/json, got " + type);
      }
      PlaceOrder command = PlaceOrder.fromJson(JsonFields.bodyObject(call.body()));
      return store.place(command, envelope).onSuccess(order -> placed.run()).map(order -> new HttpReply(201,
          Map.of("Content-Type", "application/json", "Location", "/orders/" + order.id()), order.toJson().toBuffer()));
    }
    if (path.startsWith("/orders/") && path.indexOf('/', "/orders/".length()) < 0) {
      if (!call.method().equals("GET") && !call.method().equals("HEAD")) {
        return Future.succeededFuture(notAllowed(call));
      }
      return store.find(path.substring("/orders/".length())).map(order -> HttpReply.json(200, order.toJson()));
    }
    return Future.succeededFuture(HttpReply.problem(Failure.NOT_FOUND, "no resource " + path, path));
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
