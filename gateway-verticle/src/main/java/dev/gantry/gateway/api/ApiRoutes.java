package dev.gantry.gateway.api;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.EnvelopeHeaders;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.WireRecord;
import dev.gantry.codecs.catalog.GetProduct;
import dev.gantry.codecs.catalog.ListProducts;
import dev.gantry.codecs.inventory.GetStock;
import dev.gantry.codecs.orders.GetOrder;
import dev.gantry.codecs.orders.Order;
import dev.gantry.codecs.orders.PlaceOrder;
import dev.gantry.discovery.ServiceClient;
import dev.gantry.gateway.observe.RequestObserver;
import dev.gantry.gateway.observe.SafeText;
import dev.gantry.gateway.request.RequestEnvelopeHandler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** {@code /api/products}, {@code /api/inventory} and {@code /api/orders}. */
public final class ApiRoutes {
  public static final String SERVED_BY_HEADER = "X-Gantry-Served-By";
  private final ServiceClient client;
  private final long maxBodyBytes;

  public ApiRoutes(ServiceClient client, long maxBodyBytes) {
    this.client = client;
    this.maxBodyBytes = maxBodyBytes;
  }

  public void mount(Router router) {
    router.get("/api/products").handler(ctx -> named(ctx, "api.products.list")).handler(ctx -> call(ctx, Addresses.CATALOG_LIST,
        new ListProducts(intParam(ctx, "limit", ListProducts.DEFAULT_LIMIT), ctx.queryParams().get("cursor")), 200));
    router.get("/api/products/:id").handler(ctx -> named(ctx, "api.products.get")).handler(ctx -> call(ctx, Addresses.CATALOG_GET,
        new GetProduct(idParam(ctx, "id")), 200));
    router.get("/api/inventory/:productId").handler(ctx -> named(ctx, "api.inventory.get")).handler(ctx -> call(ctx, Addresses.INVENTORY_GET,
        new GetStock(idParam(ctx, "productId")), 200));
    // Named on a route of its own: a body handler must be the first handler of its route.
    router.post("/api/orders").handler(ctx -> named(ctx, "api.orders.place"));
    // The media type is checked before any body is read: the body handler would otherwise decode
    // forms and multipart parts it was never meant to accept.
    router.post("/api/orders").handler(ApiRoutes::requireJson);
    router.post("/api/orders")
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
        .handler(this::placeOrder);
    router.get("/api/orders/:id").handler(ctx -> named(ctx, "api.orders.get")).handler(ctx -> call(ctx, Addresses.ORDERS_GET,
        new GetOrder(ctx.pathParam("id")), 200));
  }

  private static void named(RoutingContext ctx, String routeId) {
    RequestObserver.name(ctx, routeId);
    ctx.next();
  }

  private static void requireJson(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new ServiceException(Failure.UNSUPPORTED_MEDIA_TYPE,
          "body: expected application/json, got " + SafeText.of(type));
    }
    ctx.next();
  }

  private void placeOrder(RoutingContext ctx) {
    PlaceOrder command = PlaceOrder.fromJson(jsonBody(ctx));
    client.<Order>request(Addresses.ORDERS_PLACE, command, RequestEnvelopeHandler.of(ctx))
        .onSuccess(reply -> {
          Order order = reply.body();
          ctx.response().putHeader(HttpHeaders.LOCATION, "/api/orders/" + order.id());
          write(ctx, 201, reply.headers().get(EnvelopeHeaders.SERVED_BY), order);
        })
        .onFailure(ctx::fail);
  }

  private void call(RoutingContext ctx, String address, WireRecord request, int status) {
    client.<WireRecord>request(address, request, RequestEnvelopeHandler.of(ctx))
        .onSuccess(reply -> write(ctx, status, reply.headers().get(EnvelopeHeaders.SERVED_BY), reply.body()))
        .onFailure(ctx::fail);
  }

  private static void write(RoutingContext ctx, int status, String servedBy, WireRecord body) {
    if (servedBy != null) {
      ctx.response().putHeader(SERVED_BY_HEADER, servedBy);
    }
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.toJson().toBuffer());
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw new ServiceException(Failure.BAD_REQUEST, "body: a JSON object is required");
    }
    Object value;
    try {
      value = body.toJsonValue();
    } catch (DecodeException e) {
      // Jackson's message names the position; drop its wrapper text and source description.
      String why = String.valueOf(e.getMessage()).replaceFirst("^Failed to decode:\\s*", "")
          .replaceAll("\\[Source: [^;]*; ", "[").replaceAll("\\s+", " ");
      throw new ServiceException(Failure.BAD_REQUEST, "body: malformed JSON: " + why);
    }
    if (!(value instanceof JsonObject json)) {
      throw new ServiceException(Failure.BAD_REQUEST, "body: must be a JSON object");
    }
    return json;
  }

  private static long idParam(RoutingContext ctx, String name) {
    String text = ctx.pathParam(name);
    try {
      long id = Long.parseLong(text);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // reported below with the parameter's name
    }
    throw new ServiceException(Failure.BAD_REQUEST, name + ": must be a positive integer, got \"" + text + "\"");
  }

  private static int intParam(RoutingContext ctx, String name, int fallback) {
    String text = ctx.queryParams().get(name);
    if (text == null || text.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new ServiceException(Failure.BAD_REQUEST, name + ": must be an integer, got \"" + text + "\"");
    }
  }
}
