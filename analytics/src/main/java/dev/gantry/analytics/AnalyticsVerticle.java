package dev.gantry.analytics;

import dev.gantry.analytics.ingest.OrderEvent;
import dev.gantry.analytics.ingest.OrderEventDecoder;
import dev.gantry.analytics.model.ModelRunner;
import dev.gantry.analytics.model.ModelSet;
import dev.gantry.analytics.model.ModelStatus;
import dev.gantry.analytics.query.AnalyticsHttp;
import dev.gantry.analytics.query.ModelReader;
import dev.gantry.analytics.warehouse.ParquetExport;
import dev.gantry.analytics.warehouse.Warehouse;
import dev.gantry.services.sdk.ServiceContext;
import dev.gantry.services.sdk.ServiceEndpoints;
import dev.gantry.services.sdk.kafka.ConsumedRecord;
import dev.gantry.services.sdk.kafka.TopicConsumer;
import dev.gantry.services.sdk.kafka.TopicConsumerOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warehouse on one node: consumes {@code orders.v1} into its DuckDB file in micro-batches
 * (one poll, one transaction, offsets committed after it), rebuilds the models on a schedule and
 * on demand, and serves {@code service: analytics} for the gateway. Its consumer group is the
 * warehouse's own id, so every analytics node keeps a whole copy. All JDBC runs on two worker
 * pools: one thread for writes (ingest, rebuild, export), two for reads.
 */
public final class AnalyticsVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AnalyticsVerticle.class);
  public static final String SERVICE = "analytics";
  public static final String VERSION = "v1";

  private final AnalyticsOptions options;
  private final ServiceContext context;
  private final ModelSet models;
  private final AnalyticsMetrics metrics;
  private WorkerExecutor writes;
  private WorkerExecutor reads;
  private Warehouse warehouse;
  private ModelRunner runner;
  private TopicConsumer<OrderEventDecoder.Decoded> consumer;
  private ServiceEndpoints endpoints;
  private Future<JsonArray> rebuilding;
  private final java.util.Set<String> failing = new java.util.HashSet<>();

  public AnalyticsVerticle(AnalyticsOptions options, ServiceContext context, ModelSet models, MeterRegistry registry) {
    this.options = options;
    this.context = context;
    this.models = models;
    this.metrics = new AnalyticsMetrics(registry, options.topic());
  }

  @Override
  public Future<?> start() {
    writes = vertx.createSharedWorkerExecutor("gantry-analytics-writer-" + System.identityHashCode(this), 1);
    reads = vertx.createSharedWorkerExecutor("gantry-analytics-reader-" + System.identityHashCode(this), 2);
    // Opening the DuckDB file (native library, file lock, schema) blocks.
    return writes.executeBlocking(() -> {
      warehouse = Warehouse.open(options.directory());
      runner = new ModelRunner(warehouse, models);
      // Built once before the route is served, so a model is never asked for before its table exists.
      runner.run(false).forEach(metrics::model);
      return warehouse.id();
    }).compose(id -> {
      String group = "gantry-analytics-" + id;
      consumer = new TopicConsumer<>(vertx, new TopicConsumerOptions().setBootstrap(options.kafkaBootstrap())
          .setTopic(options.topic()).setGroupId(group)
          .setClientId("gantry-analytics-" + context.nodeId()).setMaxPollRecords(options.maxBatchRecords()),
          new OrderEventDecoder(), this::ingest);
      metrics.watch(consumer);
      endpoints = new ServiceEndpoints(vertx, context);
      ModelReader reader = new ModelReader(warehouse, runner);
      AnalyticsHttp http = new AnalyticsHttp(reader, reads, this::rebuild, this::export, () -> consumerState(group));
      vertx.setPeriodic(options.rebuildMillis(), options.rebuildMillis(), t -> rebuild());
      vertx.setPeriodic(1_000, t -> metrics.refreshLag());
      return Future.all(consumer.start(), endpoints.bindHttp(SERVICE, VERSION, (call, env) -> http.handle(call)))
          .compose(v -> vertx.fileSystem().readFile("graphql/analytics.graphqls"))
          .compose(sdl -> endpoints.bindGraphql(dev.gantry.analytics.query.AnalyticsGraph.part(SERVICE, sdl.toString(),
              reader, reads)));
    }).onSuccess(v -> LOG.info("analytics warehouse {} reading {}", warehouse.file(), options.topic()));
  }

  private Future<Void> ingest(List<ConsumedRecord<OrderEventDecoder.Decoded>> batch) {
    List<OrderEvent> events = batch.stream().map(r -> OrderEventDecoder.event(r.value(), r.partition(), r.offset())).toList();
    long started = System.nanoTime();
    return writes.executeBlocking(() -> warehouse.ingest(events))
        .onSuccess(done -> metrics.ingested(done, System.nanoTime() - started))
        .mapEmpty();
  }

  private JsonObject consumerState(String group) {
    JsonObject lag = new JsonObject();
    consumer.lag().forEach((partition, behind) -> lag.put(Integer.toString(partition), behind));
    return new JsonObject().put("topic", options.topic()).put("consumerGroup", group).put("lag", lag)
        .put("deadLetters", consumer.deadLettered());
  }

  /** Rebuilds the models now; a rebuild under way is joined rather than started twice. */
  public Future<JsonArray> rebuild() {
    if (rebuilding != null) {
      return rebuilding;
    }
    Future<JsonArray> run = writes.executeBlocking(() -> runner.run(false)).map(statuses -> {
      JsonArray out = new JsonArray();
      for (ModelStatus s : statuses) {
        metrics.model(s);
        // A failure is logged when it starts and when it ends, not on every scheduled attempt.
        if (s.failing() && failing.add(s.name())) {
          LOG.warn("analytics model {} failed, its last good table stays: {}", s.name(), s.lastError());
        } else if (!s.failing() && failing.remove(s.name())) {
          LOG.info("analytics model {} builds again", s.name());
        }
        out.add(s.toJson());
      }
      return out;
    });
    rebuilding = run;
    return run.onComplete(ar -> rebuilding = null);
  }

  private Future<JsonObject> export() {
    List<String> names = models.ordered().stream().map(m -> m.name()).toList();
    return writes.executeBlocking(() -> ParquetExport.export(warehouse, names, options.directory().resolve("export")));
  }

  @Override
  public Future<?> stop() {
    Future<Void> unpublished = endpoints == null ? Future.succeededFuture() : endpoints.close();
    return unpublished
        .eventually(() -> consumer == null ? Future.succeededFuture() : consumer.stop())
        .eventually(() -> rebuilding == null ? Future.succeededFuture() : rebuilding)
        .eventually(() -> writes == null ? Future.succeededFuture() : writes.executeBlocking(() -> {
          if (warehouse != null) {
            warehouse.close();
          }
          return null;
        }))
        .eventually(() -> {
          metrics.close();
          reads.close();
          return writes.close();
        });
  }
}
