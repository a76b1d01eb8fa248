package dev.gantry.services.orders;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.orders.ChangeOrder;
import dev.gantry.codecs.orders.GetOrder;
import dev.gantry.codecs.orders.Order;
import dev.gantry.codecs.orders.PlaceOrder;
import dev.gantry.services.inventory.StockLedger;
import dev.gantry.services.sdk.ServiceBackends;
import dev.gantry.services.sdk.ServiceContext;
import dev.gantry.services.sdk.ServiceEndpoints;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves the order addresses and runs this node's outbox relay. */
public final class OrdersVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(OrdersVerticle.class);
  public static final String TOPIC = "orders.v1";
  public static final String SERVICE = "orders";
  public static final String VERSION = "v1";
  /** How often expired idempotency keys are deleted. */
  static final long PURGE_MILLIS = 10 * 60 * 1000L;
  /** How often, at most, reservations whose order was never written are looked for. */
  static final long ORPHAN_SWEEP_MILLIS = 60 * 1000L;

  private final ServiceBackends backends;
  private final ServiceContext context;
  private final OrdersOptions options;
  private Pool pool;
  private Redis redis;
  private KafkaProducer<String, String> producer;
  private OutboxRelay relay;
  private ServiceEndpoints endpoints;

  public OrdersVerticle(ServiceBackends backends, ServiceContext context, OrdersOptions options) {
    this.backends = backends;
    this.context = context;
    this.options = options;
  }

  public OrdersVerticle(ServiceBackends backends, ServiceContext context, long outboxPollMillis) {
    this(backends, context, new OrdersOptions().withOutboxPollMillis(outboxPollMillis));
  }

  @Override
  public Future<?> start() {
    pool = backends.pgPool(vertx);
    redis = backends.redis(vertx);
    producer = KafkaProducer.create(vertx, backends.kafkaProducer("gantry-orders-" + context.nodeId()));
    relay = new OutboxRelay(vertx, pool, producer, options.outboxPollMillis());
    IdempotencyKeys keys = new IdempotencyKeys(options.idempotencyRetention());
    OrderStore store = new OrderStore(pool, new StockLedger(RedisAPI.api(redis)), keys, TOPIC);
    DeliveryOptions localOnly = new DeliveryOptions().setLocalOnly(true);
    endpoints = new ServiceEndpoints(vertx, context);
    Runnable nudge = () -> vertx.eventBus().send(Addresses.OUTBOX_NUDGE, null, localOnly);
    // Every placement and status change: the outbox relay is nudged, and subscribers (GraphQL's
    // orderStatus, on any node) hear of it.
    java.util.function.Consumer<Order> changed = order -> {
      nudge.run();
      vertx.eventBus().publish(Addresses.ORDERS_STATUS, OrdersGraph.statusChange(order));
    };
    OrdersHttp http = new OrdersHttp(store, changed);
    vertx.setPeriodic(PURGE_MILLIS, PURGE_MILLIS, id -> keys.purge(pool)
        .onSuccess(n -> LOG.debug("forgot {} expired idempotency keys", n))
        .onFailure(e -> LOG.warn("expired idempotency keys not purged: {}", e.toString())));
    long age = options.orphanReservationAge().toMillis();
    long sweep = Math.max(100, Math.min(ORPHAN_SWEEP_MILLIS, age / 2));
    vertx.setPeriodic(sweep, sweep, id -> store.releaseOrphans(options.orphanReservationAge())
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("gave back the stock of {} reservations whose orders were never written (a node died placing them)", n);
          }
        })
        .onFailure(e -> LOG.warn("orphaned stock reservations not checked: {}", e.toString())));
    return Future.all(
        relay.start(),
        endpoints.bind(Addresses.ORDERS_PLACE, PlaceOrder.class, (cmd, env) -> store.place(cmd, env, "idempotencyKey")
            .onSuccess(placed -> {
              if (!placed.replayed()) {
                changed.accept(placed.order());
              }
            }).map(placed -> placed.order())),
        endpoints.bind(Addresses.ORDERS_GET, GetOrder.class, (q, env) -> store.find(q.id())),
        endpoints.<ChangeOrder, Order>bind(Addresses.ORDERS_CHANGE, ChangeOrder.class, (cmd, env) -> store.change(cmd, env)
            .onSuccess(changed::accept)),
        endpoints.bindHttp(SERVICE, VERSION, http::handle))
        .compose(v -> vertx.fileSystem().readFile("graphql/orders.graphqls"))
        .compose(sdl -> endpoints.bindGraphql(OrdersGraph.part(sdl.toString(), store, changed)));
  }

  @Override
  public Future<?> stop() {
    Future<Void> unpublished = endpoints == null ? Future.succeededFuture() : endpoints.close();
    return unpublished.eventually(relay::stop)
        .eventually(() -> Future.join(producer.close(), pool.close(), redis.close()));
  }
}
