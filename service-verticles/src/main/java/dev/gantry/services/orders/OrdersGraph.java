package dev.gantry.services.orders;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.orders.ChangeOrder;
import dev.gantry.codecs.orders.Order;
import dev.gantry.codecs.orders.PlaceOrder;
import dev.gantry.services.sdk.GraphqlPart;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * The orders service's part of the GraphQL schema ({@code graphql/orders.graphqls}): an order by
 * id, placing one (idempotently under a key), paying or cancelling it, and its status changes as a subscription fed by {@link Addresses#ORDERS_STATUS}.
 */
final class OrdersGraph {
  private OrdersGraph() {}

  static GraphqlPart part(String sdl, OrderStore store, Consumer<Order> changed) {
    return new GraphqlPart(OrdersVerticle.SERVICE, sdl)
        .fetch("Query.order", (args, source, env) -> {
          Object id = args.getValue("id");
          if (!(id instanceof String text)) {
            return Future.failedFuture(new ServiceException(Failure.BAD_REQUEST, "id: is required"));
          }
          return store.find(text).<Object>map(Order::toJson).recover(e -> e instanceof ServiceException se
              && se.failure() == Failure.NOT_FOUND ? Future.succeededFuture() : Future.failedFuture(e));
        })
        .fetch("Mutation.placeOrder", (args, source, env) -> {
          JsonObject input = args.getJsonObject("input");
          if (input == null) {
            return Future.failedFuture(new ServiceException(Failure.BAD_REQUEST, "input: is required"));
          }
          PlaceOrder command = PlaceOrder.fromJson(withNumericIds(input));
          Object key = args.getValue("idempotencyKey");
          if (key != null) {
            command = command.withIdempotencyKey(String.valueOf(key), "idempotencyKey");
          }
          return store.place(command, env, "idempotencyKey").onSuccess(p -> {
            if (!p.replayed()) {
              changed.accept(p.order());
            }
          }).map(p -> p.order().toJson());
        })
        .fetch("Mutation.payOrder", (args, source, env) -> change(store, args, ChangeOrder.Action.PAY, env, changed))
        .fetch("Mutation.cancelOrder", (args, source, env) -> change(store, args, ChangeOrder.Action.CANCEL, env, changed))
        .subscription("Subscription.orderStatus", Addresses.ORDERS_STATUS, "orderId", "id");
  }

  private static Future<Object> change(OrderStore store, JsonObject args, ChangeOrder.Action action,
      dev.gantry.codecs.Envelope env, Consumer<Order> changed) {
    if (!(args.getValue("id") instanceof String id)) {
      return Future.failedFuture(new ServiceException(Failure.BAD_REQUEST, "id: is required"));
    }
    return store.change(new ChangeOrder(id, action), env).onSuccess(changed::accept).map(Order::toJson);
  }

  /** The input with each item's productId (a GraphQL ID, so a string) as the number the service takes. */
  static JsonObject withNumericIds(JsonObject input) {
    JsonObject copy = input.copy();
    if (copy.getValue("items") instanceof io.vertx.core.json.JsonArray items) {
      for (int i = 0; i < items.size(); i++) {
        if (items.getValue(i) instanceof JsonObject item && item.getValue("productId") != null) {
          Long id = dev.gantry.services.sdk.GraphqlKeys.positive(item.getValue("productId"));
          if (id == null) {
            throw new ServiceException(Failure.BAD_REQUEST, "input.items[" + i + "].productId: must be a positive integer");
          }
          item.put("productId", id);
        }
      }
    }
    return copy;
  }

  /** What {@link Addresses#ORDERS_STATUS} carries about {@code order}. */
  static JsonObject statusChange(Order order) {
    return new JsonObject().put("orderId", order.id()).put("status", order.status())
        .put("at", java.time.Instant.now().toString());
  }
}
