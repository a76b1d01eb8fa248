package dev.gantry.analytics;

import dev.gantry.analytics.model.ModelStatus;
import dev.gantry.analytics.warehouse.Warehouse;
import dev.gantry.services.sdk.kafka.TopicConsumer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The warehouse's series: consumer lag per partition, ingested and duplicate events, dead
 * letters, micro-batch time, and per model its build time, rows and whether its last build failed.
 * Labels are bounded: topic, partition and model names.
 */
final class AnalyticsMetrics {
  private final MeterRegistry registry;
  private final String topic;
  private final List<Meter> meters = new ArrayList<>();
  private final Map<Integer, Boolean> lagGauges = new ConcurrentHashMap<>();
  private final Map<String, double[]> modelState = new ConcurrentHashMap<>();
  private final Map<String, Timer> builds = new ConcurrentHashMap<>();
  private final Counter added;
  private final Counter duplicates;
  private final Timer batches;
  private TopicConsumer<?> consumer;

  AnalyticsMetrics(MeterRegistry registry, String topic) {
    this.registry = registry == null ? new SimpleMeterRegistry() : registry;
    this.topic = topic;
    this.added = keep(Counter.builder("gantry.analytics.ingested.events").tag("topic", topic)
        .description("events added to the warehouse").register(this.registry));
    this.duplicates = keep(Counter.builder("gantry.analytics.duplicate.events").tag("topic", topic)
        .description("redelivered events dropped by event id").register(this.registry));
    this.batches = keep(Timer.builder("gantry.analytics.ingest.batch").tag("topic", topic)
        .description("time to write one micro-batch").register(this.registry));
  }

  void watch(TopicConsumer<?> consumer) {
    this.consumer = consumer;
    keep(FunctionCounter.builder("gantry.analytics.dead.letters", consumer, TopicConsumer::deadLettered)
        .tag("topic", topic).description("records sent to the dead-letter topic").register(registry));
  }

  void ingested(Warehouse.Ingested done, long nanos) {
    added.increment(done.added());
    duplicates.increment(done.duplicates());
    batches.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Registers a lag gauge for each partition the consumer has reported on so far. */
  void refreshLag() {
    if (consumer != null) {
      consumer.lag().keySet().forEach(partition -> lagGauges.computeIfAbsent(partition, p -> {
        keep(Gauge.builder("gantry.analytics.consumer.lag", () -> consumer.lag().getOrDefault(p, 0L))
            .tags(Tags.of("topic", topic, "partition", Integer.toString(p)))
            .description("records behind the end of the partition").register(registry));
        return true;
      }));
    }
  }

  void model(ModelStatus s) {
    double[] state = modelState.computeIfAbsent(s.name(), name -> {
      double[] holder = new double[2];
      keep(Gauge.builder("gantry.analytics.model.failing", holder, h -> h[0]).tag("model", name)
          .description("1 while the model's last build failed (its last good table is served)").register(registry));
      keep(Gauge.builder("gantry.analytics.model.rows", holder, h -> h[1]).tag("model", name)
          .description("rows of the model's table").register(registry));
      return holder;
    });
    state[0] = s.failing() ? 1 : 0;
    state[1] = s.rows() == null ? Double.NaN : s.rows();
    if (!s.failing() && s.builtAt() != null) {
      builds.computeIfAbsent(s.name(), name -> keep(Timer.builder("gantry.analytics.model.build").tag("model", name)
          .description("time to build the model").register(registry))).record(s.durationMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Removes this verticle's series (a redeployed one registers its own). */
  void close() {
    meters.forEach(registry::remove);
  }

  private <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }
}
