package dev.gantry.services.sdk;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.EnvelopeContext;
import dev.gantry.codecs.EnvelopeHeaders;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.SharedMaps;
import dev.gantry.codecs.graphql.SchemaPart;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import dev.gantry.discovery.ServiceRecord;
import java.util.ArrayList;
import java.util.List;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds service handlers to event-bus addresses. Every reply names the node that served it;
 * every failure leaves as {@code message.fail(code, detail)} with a {@link Failure} code.
 */
public final class ServiceEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceEndpoints.class);

  private final Vertx vertx;
  private final ServiceContext context;
  private final String nodeId;
  private final List<String> registrations = new ArrayList<>();
  private final List<String> graphqlParts = new ArrayList<>();
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  /** Answers being worked on; touched on the owning verticle's event loop only. */
  private final java.util.Set<Future<?>> inFlight = new java.util.HashSet<>();
  /** How long {@link #close()} waits for answers still being worked on. */
  static final long CLOSE_WAIT_MILLIS = 10_000;

  public ServiceEndpoints(Vertx vertx, ServiceContext context) {
    this.vertx = vertx;
    this.context = context;
    this.nodeId = context.nodeId();
  }

  /**
   * Binds an HTTP-shaped handler for gateway routes whose target is {@code service: name}: it
   * listens on the name's address, on the name-and-version one, and on this node's own one, which
   * is published in the service catalog (name, version, zone, node) until {@link #close()}.
   */
  public Future<Void> bindHttp(String name, String version, ServiceHandler<HttpCall, HttpReply> handler) {
    String own = Addresses.httpServiceOn(name, version, nodeId);
    return Future.all(bind(Addresses.httpService(name, null), HttpCall.class, handler, name),
            bind(Addresses.httpService(name, version), HttpCall.class, handler, name),
            bind(own, HttpCall.class, handler, name))
        .compose(v -> context.catalog().publish(new ServiceRecord(name, version, context.zone(), nodeId, own)))
        .onSuccess(registrations::add)
        .mapEmpty();
  }

  /**
   * Binds the resolvers of a GraphQL schema part, then publishes the part in the cluster (the map
   * {@link SharedMaps#GRAPHQL_PARTS}, and {@link Addresses#GRAPHQL_PARTS_CHANGED} to every node) so
   * gateways compose it into their schema, until {@link #close()}. Its resolvers are the service's
   * like its HTTP endpoints: the mesh's call policy decides who may call them.
   */
  public Future<Void> bindGraphql(GraphqlPart part) {
    List<Future<Void>> bound = new ArrayList<>();
    part.handlers().forEach((address, handler) -> bound.add(bind(address, JsonObject.class, handler, part.service())));
    SchemaPart published = new SchemaPart(part.service(), nodeId, part.sdl(), part.bindings(), System.currentTimeMillis());
    return Future.all(bound)
        .compose(v -> vertx.sharedData().<String, JsonObject>getAsyncMap(SharedMaps.GRAPHQL_PARTS))
        .compose(map -> map.put(published.id(), published.toJson()))
        .onSuccess(v -> {
          graphqlParts.add(published.id());
          vertx.eventBus().publish(Addresses.GRAPHQL_PARTS_CHANGED, published.id());
        });
  }

  /**
   * Withdraws this instance's catalog records and GraphQL parts, stops taking messages (a caller
   * sending now finds no handler here, which a gateway retries elsewhere), and completes once the
   * requests already taken are answered (at most {@value #CLOSE_WAIT_MILLIS} ms): a verticle closes
   * its pools after this, so no request it accepted fails on a closed pool.
   */
  public Future<Void> close() {
    List<Future<?>> unregistered = consumers.stream().<Future<?>>map(MessageConsumer::unregister).toList();
    consumers.clear();
    Promise<Void> answered = Promise.promise();
    long timer = vertx.setTimer(CLOSE_WAIT_MILLIS, id -> answered.tryComplete());
    Future.join(new ArrayList<>(inFlight)).onComplete(ar -> {
      vertx.cancelTimer(timer);
      answered.tryComplete();
    });
    List<Future<?>> withdrawn = new ArrayList<>(registrations.stream().map(r -> context.catalog().unpublish(r)).toList());
    if (!graphqlParts.isEmpty()) {
      withdrawn.add(vertx.sharedData().<String, JsonObject>getAsyncMap(SharedMaps.GRAPHQL_PARTS)
          .compose(map -> Future.join(graphqlParts.stream().map(map::remove).toList()))
          .onSuccess(v -> graphqlParts.forEach(id -> vertx.eventBus().publish(Addresses.GRAPHQL_PARTS_CHANGED, id))));
    }
    withdrawn.addAll(unregistered);
    withdrawn.add(answered.future());
    return Future.join(withdrawn).mapEmpty();
  }

  /** Registers {@code handler} on {@code address}; the future completes once the cluster knows it. */
  public <T, R> Future<Void> bind(String address, Class<T> type, ServiceHandler<T, R> handler) {
    return bind(address, type, handler, null);
  }

  /**
   * @param service the service's name when calls are subject to the mesh's call policy (the
   *                caller named in {@link EnvelopeHeaders#CALLER}, else {@code anonymous}); null when not
   */
  private <T, R> Future<Void> bind(String address, Class<T> type, ServiceHandler<T, R> handler, String service) {
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(address,
        message -> serve(address, type, handler, message, service));
    consumers.add(consumer);
    return consumer.completion();
  }

  private <T, R> void serve(String address, Class<T> type, ServiceHandler<T, R> handler,
      Message<Object> message, String service) {
    if (service != null) {
      String refusal = context.gate().refuse(message.headers().get(EnvelopeHeaders.CALLER), service);
      if (refusal != null) {
        message.fail(Failure.FORBIDDEN.code(), refusal);
        return;
      }
    }
    Envelope envelope;
    try {
      envelope = Envelope.from(message.headers());
      if (!type.isInstance(message.body())) {
        throw new ServiceException(Failure.BAD_REQUEST, address + " expects "
            + type.getSimpleName() + ", got " + (message.body() == null ? "no body"
            : message.body().getClass().getSimpleName()));
      }
    } catch (ServiceException e) {
      e.failTo(message);
      return;
    }
    EnvelopeContext.bind(envelope);
    if (envelope.expired()) {
      // The caller has already given up: doing the work would only add load.
      message.fail(Failure.TIMEOUT.code(), "deadline passed before " + address + " started");
      return;
    }
    Future<R> result;
    try {
      result = handler.handle(type.cast(message.body()), envelope);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    if (!result.isComplete()) {
      Future<R> pending = result;
      inFlight.add(pending);
      pending.onComplete(ar -> inFlight.remove(pending));
    }
    result.onSuccess(reply -> message.reply(reply,
            new DeliveryOptions().addHeader(EnvelopeHeaders.SERVED_BY, nodeId)))
        .onFailure(failure -> {
          if (failure instanceof ServiceException e) {
            e.failTo(message);
          } else {
            LOG.error("{} failed (request {})", address, envelope.requestId(), failure);
            message.fail(Failure.INTERNAL.code(),
                "internal error in " + address + " (request " + envelope.requestId() + ")");
          }
        });
  }
}
