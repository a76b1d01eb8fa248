package dev.gantry.services.sdk;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.graphql.FieldBinding;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A service's part of the cluster's GraphQL schema, as the service writes it: its SDL and a
 * resolver per field it owns. {@link ServiceEndpoints#bindGraphql} binds the resolvers to their
 * event-bus addresses and publishes the part; the gateway composes the schema from the live parts.
 *
 * <pre>{@code
 * GraphqlPart part = new GraphqlPart("inventory", sdl)
 *     .batch("Product.stock", "id", (keys, args, env) -> store.levels(keys));
 * }</pre>
 */
public final class GraphqlPart {
  /** Resolves one field for one parent ({@code source}: the parent's JSON, null for a root field). */
  @FunctionalInterface
  public interface Fetch {
    Future<?> resolve(JsonObject args, JsonObject source, Envelope envelope);
  }

  /** Resolves one field for many parents at once: a value per key, in the keys' order. */
  @FunctionalInterface
  public interface Batch {
    Future<List<?>> resolve(List<Object> keys, JsonObject args, Envelope envelope);
  }

  private final String service;
  private final String sdl;
  private final Map<String, FieldBinding> bindings = new LinkedHashMap<>();
  private final Map<String, ServiceHandler<JsonObject, JsonObject>> handlers = new LinkedHashMap<>();

  public GraphqlPart(String service, String sdl) {
    this.service = service;
    this.sdl = sdl;
  }

  public GraphqlPart fetch(String coordinate, Fetch fetch) {
    String address = Addresses.graphqlField(service, coordinate);
    add(new FieldBinding(coordinate, FieldBinding.Kind.FETCH, address, null, null), (request, env) ->
        fetch.resolve(args(request), request.getJsonObject("source"), env)
            .map(value -> new JsonObject().put("value", value)));
    return this;
  }

  /** @param key the parent's field whose values are the batch's keys (e.g. {@code id}) */
  public GraphqlPart batch(String coordinate, String key, Batch batch) {
    String address = Addresses.graphqlField(service, coordinate);
    add(new FieldBinding(coordinate, FieldBinding.Kind.BATCH, address, key, null), (request, env) -> {
      JsonArray keys = request.getJsonArray("keys");
      if (keys == null) {
        return Future.failedFuture(new ServiceException(Failure.BAD_REQUEST, coordinate + ": keys: is required"));
      }
      Future<List<?>> resolved = batch.resolve(keys.getList(), args(request), env);
      return resolved.compose(values -> values.size() == keys.size()
          ? Future.succeededFuture(new JsonObject().put("values", new JsonArray(new ArrayList<>(values))))
          : Future.failedFuture(new ServiceException(Failure.INTERNAL, coordinate + " answered " + values.size()
              + " values for " + keys.size() + " keys")));
    });
    return this;
  }

  /**
   * A subscription field fed by events the service publishes on {@code address}: a subscriber
   * gets those whose {@code key} equals the field's argument {@code argument}.
   */
  public GraphqlPart subscription(String coordinate, String address, String key, String argument) {
    FieldBinding binding = new FieldBinding(coordinate, FieldBinding.Kind.SUBSCRIBE, address, key, argument);
    bindings.put(coordinate, binding);
    return this;
  }

  private void add(FieldBinding binding, ServiceHandler<JsonObject, JsonObject> handler) {
    bindings.put(binding.coordinate(), binding);
    handlers.put(binding.address(), handler);
  }

  private static JsonObject args(JsonObject request) {
    JsonObject args = request.getJsonObject("args");
    return args == null ? new JsonObject() : args;
  }

  String service() {
    return service;
  }

  String sdl() {
    return sdl;
  }

  List<FieldBinding> bindings() {
    return List.copyOf(bindings.values());
  }

  Map<String, ServiceHandler<JsonObject, JsonObject>> handlers() {
    return handlers;
  }
}
