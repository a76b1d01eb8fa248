package dev.gantry.bench;

import dev.gantry.analytics.AnalyticsOptions;
import dev.gantry.analytics.AnalyticsVerticle;
import dev.gantry.analytics.ingest.Backfill;
import dev.gantry.analytics.model.ModelRunner;
import dev.gantry.analytics.model.ModelSet;
import dev.gantry.analytics.model.ModelStatus;
import dev.gantry.analytics.warehouse.Warehouse;
import dev.gantry.codecs.Codecs;
import dev.gantry.codecs.orders.Order;
import dev.gantry.codecs.orders.OrderLine;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.embedded.EmbeddedKafkaBroker;
import dev.gantry.services.sdk.ServiceContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The warehouse at a million orders, as a main-method benchmark (not a test): an embedded broker
 * gets {@code ORDERS} placed orders (1–3 lines, over a year of days) plus 10 % paid and 5 %
 * cancelled events, all in the outbox's format; then it measures
 * <ol>
 *   <li>live ingest: the {@link AnalyticsVerticle} (consumer SDK, micro-batches, DuckDB) from the
 *       first record to the last, in records/s;</li>
 *   <li>the first model build over everything (incremental from nothing), a full rebuild, and an
 *       incremental rebuild after 1,000 more events;</li>
 *   <li>the backfill: the topic re-read outside any group into an emptied warehouse, plus a full
 *       rebuild.</li>
 * </ol>
 * {@code ./mvnw -o -q -pl bench -am compile exec:java -Dexec.mainClass=dev.gantry.bench.WarehouseBench
 * [-Dorders=1000000]}
 */
public final class WarehouseBench {
  private WarehouseBench() {}

  public static void main(String[] args) throws Exception {
    int orders = Integer.getInteger("orders", 1_000_000);
    Path dir = Files.createTempDirectory("gantry-warehouse-bench");
    String topic = "orders.bench";
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
    Vertx vertx = Vertx.vertx();
    try {
      Codecs.register(vertx.eventBus());
      long t0 = System.nanoTime();
      int records = produce(broker.endpoint(), topic, orders, 0);
      System.out.printf("produced %,d records (%,d orders) in %.1f s%n", records, orders, secs(t0));

      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      AnalyticsOptions options = new AnalyticsOptions(broker.endpoint(), topic, dir.resolve("warehouse"), 86_400_000L,
          AnalyticsOptions.DEFAULT_MAX_BATCH_RECORDS);
      String id = vertx.deployVerticle(new AnalyticsVerticle(options, new ServiceContext("bench", "default",
          ServiceCatalog.create(vertx)), ModelSet.builtIn(), registry)).await();
      long started = System.nanoTime();
      long cpuStarted = cpu();
      while (ingested(registry) < records) {
        vertx.timer(200).await();
      }
      double ingest = secs(started);
      double cpu = (cpu() - cpuStarted) / 1e9;
      System.out.printf("live ingest: %,d records in %.1f s = %,.0f records/s; %.1f CPU-s in this JVM (broker included) = "
              + "%.1f CPU-µs per record; %d micro-batches, mean %.1f ms%n",
          records, ingest, records / ingest, cpu, cpu * 1e6 / records, registry.get("gantry.analytics.ingest.batch").timer().count(),
          registry.get("gantry.analytics.ingest.batch").timer().mean(java.util.concurrent.TimeUnit.MILLISECONDS));
      vertx.undeploy(id).await();

      try (Warehouse w = Warehouse.open(dir.resolve("warehouse"))) {
        ModelRunner runner = new ModelRunner(w, ModelSet.builtIn());
        report("first build over everything", runner.run(false));
        report("full rebuild", runner.run(true));
        // The next orders are today's, as in a live system: the days they touch are the last ones.
        int more = produce(broker.endpoint(), topic + ".more", 1_000, orders, Instant.parse("2026-11-25T00:00:00Z"), 1);
        w.ingest(replay(broker.endpoint(), topic + ".more", more));
        report("incremental rebuild after " + more + " more events", runner.run(false));

        long b = System.nanoTime();
        Backfill.Result result = Backfill.fromBeginning(w, runner, broker.endpoint(), topic,
            new PrintStream(OutputStream.nullOutputStream()));
        System.out.printf("backfill from the beginning: %,d records, %.1f s with its full rebuild (%,.0f records/s overall)%n",
            result.records(), secs(b), result.records() / secs(b));
      }
    } finally {
      vertx.close().await();
      broker.close();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void report(String what, List<ModelStatus> statuses) {
    long total = statuses.stream().mapToLong(ModelStatus::durationMillis).sum();
    StringBuilder line = new StringBuilder(String.format("%s: %,d ms of builds (", what, total));
    statuses.forEach(s -> line.append(s.name()).append(' ').append(s.durationMillis()).append(" ms ")
        .append(s.mode()).append(s.failing() ? " FAILED " + s.lastError() : "").append("; "));
    System.out.println(line.append(")"));
  }

  private static long ingested(SimpleMeterRegistry registry) {
    var counter = registry.find("gantry.analytics.ingested.events").counter();
    return counter == null ? 0 : (long) counter.count();
  }

  /** Orders from {@code first + 1}; the future's records, in the outbox's format. */
  private static int produce(String bootstrap, String topic, int orders, int first) {
    return produce(bootstrap, topic, orders, first, Instant.parse("2025-11-26T00:00:00Z"), 365);
  }

  /** As above, placed over {@code days} days from {@code start}. */
  private static int produce(String bootstrap, String topic, int orders, int first, Instant start, int days) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("linger.ms", "20");
    props.put("batch.size", "262144");
    props.put("acks", "1");
    Random random = new Random(42 + first);
    int records = 0;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int i = first + 1; i <= first + orders; i++) {
        String id = new UUID(0, i).toString();
        List<OrderLine> lines = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        long total = 0;
        for (int l = 0; l < n; l++) {
          OrderLine line = new OrderLine(1 + l * 67L + random.nextInt(67), 1 + random.nextInt(4), 500 + random.nextInt(20_000));
          lines.add(line);
          total += line.quantity() * line.unitPriceCents();
        }
        Instant at = start.plus(random.nextInt(days * 24 * 60), ChronoUnit.MINUTES);
        String currency = random.nextInt(10) == 0 ? "USD" : "EUR";
        send(producer, topic, "order.placed", new Order(id, "PLACED", lines, total, currency, at), at);
        records++;
        int fate = random.nextInt(100);
        if (fate < 15) {
          String status = fate < 10 ? "PAID" : "CANCELLED";
          Instant later = at.plus(1 + random.nextInt(48 * 60), ChronoUnit.MINUTES);
          send(producer, topic, fate < 10 ? "order.paid" : "order.cancelled",
              new Order(id, status, lines, total, currency, at), later);
          records++;
        }
      }
    }
    return records;
  }

  private static void send(KafkaProducer<String, String> producer, String topic, String type, Order order, Instant at) {
    String value = new JsonObject().put("type", type).put("occurredAt", at.toString()).put("order", order.toJson()).encode();
    ProducerRecord<String, String> record = new ProducerRecord<>(topic, order.id(), value);
    record.headers().add("gantry-event-id", UUID.randomUUID().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    producer.send(record);
  }

  /** Reads a small topic whole into events, for the incremental step. */
  private static List<dev.gantry.analytics.ingest.OrderEvent> replay(String bootstrap, String topic, int expected) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("auto.offset.reset", "earliest");
    props.put("group.id", "bench-" + UUID.randomUUID());
    dev.gantry.analytics.ingest.OrderEventDecoder decoder = new dev.gantry.analytics.ingest.OrderEventDecoder();
    List<dev.gantry.analytics.ingest.OrderEvent> events = new ArrayList<>();
    try (org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
        props, new org.apache.kafka.common.serialization.StringDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      while (events.size() < expected) {
        for (var r : consumer.poll(java.time.Duration.ofMillis(500))) {
          java.util.Map<String, String> headers = new java.util.HashMap<>();
          r.headers().forEach(h -> headers.put(h.key(), new String(h.value(), java.nio.charset.StandardCharsets.UTF_8)));
          events.add(dev.gantry.analytics.ingest.OrderEventDecoder.event(
              decoder.decode(r.key(), io.vertx.core.buffer.Buffer.buffer(r.value()), headers), r.partition(), r.offset()));
        }
      }
    }
    return events;
  }

  /** CPU time of this whole process so far (every thread, DuckDB's own included). */
  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double secs(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
