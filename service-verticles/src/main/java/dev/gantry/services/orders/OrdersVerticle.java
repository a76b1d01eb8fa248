package dev.gantry.services.orders;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.orders.GetOrder;
import dev.gantry.codecs.orders.PlaceOrder;
import dev.gantry.services.sdk.ServiceBackends;
import dev.gantry.services.sdk.ServiceContext;
import dev.gantry.services.sdk.ServiceEndpoints;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.sqlclient.Pool;

/** Serves the order addresses and runs this node's outbox relay. */
public final class OrdersVerticle extends VerticleBase {
  public static final String TOPIC = "orders.v1";
  public static final String SERVICE = "orders";
  public static final String VERSION = "v1";

  private final ServiceBackends backends;
  private final ServiceContext context;
  private final long outboxPollMillis;
  private Pool pool;
  private KafkaProducer<String, String> producer;
  private OutboxRelay relay;
  private ServiceEndpoints endpoints;

  public OrdersVerticle(ServiceBackends backends, ServiceContext context, long outboxPollMillis) {
    this.backends = backends;
    this.context = context;
    this.outboxPollMillis = outboxPollMillis;
  }

  @Override
  public Future<?> start() {
    pool = backends.pgPool(vertx);
    producer = KafkaProducer.create(vertx, backends.kafkaProducer("gantry-orders-" + context.nodeId()));
    relay = new OutboxRelay(vertx, pool, producer, outboxPollMillis);
    OrderStore store = new OrderStore(pool, TOPIC);
    DeliveryOptions localOnly = new DeliveryOptions().setLocalOnly(true);
    endpoints = new ServiceEndpoints(vertx, context);
    Runnable nudge = () -> vertx.eventBus().send(Addresses.OUTBOX_NUDGE, null, localOnly);
    OrdersHttp http = new OrdersHttp(store, nudge);
    return Future.all(
        relay.start(),
        endpoints.bind(Addresses.ORDERS_PLACE, PlaceOrder.class, (cmd, env) -> store.place(cmd, env)
            .onSuccess(order -> nudge.run())),
        endpoints.bind(Addresses.ORDERS_GET, GetOrder.class, (q, env) -> store.find(q.id())),
        endpoints.bindHttp(SERVICE, VERSION, http::handle))
        .compose(v -> vertx.fileSystem().readFile("graphql/orders.graphqls"))
        .compose(sdl -> endpoints.bindGraphql(OrdersGraph.part(sdl.toString(), store, order -> {
          nudge.run();
          vertx.eventBus().publish(Addresses.ORDERS_STATUS, OrdersGraph.statusChange(order));
        })));
  }

  @Override
  public Future<?> stop() {
    Future<Void> unpublished = endpoints == null ? Future.succeededFuture() : endpoints.close();
    return unpublished.eventually(relay::stop).eventually(() -> Future.join(producer.close(), pool.close()));
  }
}
