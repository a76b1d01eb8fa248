package dev.gantry.analytics.ingest;

import dev.gantry.analytics.model.ModelRunner;
import dev.gantry.analytics.model.ModelStatus;
import dev.gantry.analytics.warehouse.Warehouse;
import io.vertx.core.buffer.Buffer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Re-reads a topic from its beginning into an emptied warehouse, then rebuilds every model from
 * scratch. It reads by assignment, outside any consumer group, so the live ingest's committed
 * offsets are untouched (what it then reads again is dropped by event id). A line of progress —
 * records so far, records/s, lag, ETA — goes to {@code progress} about every second. Blocking;
 * the warehouse must not be open elsewhere (DuckDB allows one writing process per file).
 */
public final class Backfill {
  /** What the backfill did. */
  public record Result(long records, long added, long duplicates, long undecodable, double seconds,
      List<ModelStatus> models) {}

  private Backfill() {}

  public static Result fromBeginning(Warehouse warehouse, ModelRunner runner, String bootstrap, String topic,
      PrintStream progress) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("enable.auto.commit", "false");
    props.put("max.poll.records", "20000");
    props.put("max.partition.fetch.bytes", Integer.toString(16 << 20));
    props.put("isolation.level", "read_committed");
    props.put("client.id", "gantry-backfill");
    OrderEventDecoder decoder = new OrderEventDecoder();
    long started = System.nanoTime();
    long records = 0;
    long added = 0;
    long undecodable = 0;
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
      long total = partitions.stream().mapToLong(tp -> end.get(tp) - begin.get(tp)).sum();
      warehouse.clearRaw();
      long lastReport = System.nanoTime();
      while (!done(consumer, partitions, end)) {
        ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(500));
        List<OrderEvent> events = new ArrayList<>(batch.count());
        for (ConsumerRecord<String, byte[]> r : batch) {
          records++;
          try {
            OrderEventDecoder.Decoded d = decoder.decode(r.key(), r.value() == null ? null : Buffer.buffer(r.value()),
                headers(r));
            events.add(OrderEventDecoder.event(d, r.partition(), r.offset()));
          } catch (RuntimeException e) {
            undecodable++; // the live consumer sent it to the dead-letter topic already
          }
        }
        added += warehouse.ingest(events).added();
        long now = System.nanoTime();
        if (now - lastReport > 1_000_000_000L) {
          lastReport = now;
          progress.println(line(topic, records, total, now - started));
        }
      }
      progress.println(line(topic, records, total, System.nanoTime() - started));
    }
    progress.println("backfill " + topic + ": rebuilding the models");
    List<ModelStatus> models = runner.run(true);
    double seconds = (System.nanoTime() - started) / 1e9;
    return new Result(records, added, records - added - undecodable, undecodable, seconds, models);
  }

  private static boolean done(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions,
      Map<TopicPartition, Long> end) {
    for (TopicPartition tp : partitions) {
      if (consumer.position(tp) < end.get(tp)) {
        return false;
      }
    }
    return true;
  }

  static String line(String topic, long records, long total, long nanos) {
    double seconds = Math.max(nanos / 1e9, 0.001);
    long rate = (long) (records / seconds);
    long lag = Math.max(0, total - records);
    String eta = rate == 0 ? "?" : (lag / rate) + "s";
    return String.format("backfill %s: %,d/%,d records (%d%%), %,d records/s, lag %,d, ETA %s", topic, records, total,
        total == 0 ? 100 : records * 100 / total, rate, lag, eta);
  }

  private static Map<String, String> headers(ConsumerRecord<String, byte[]> r) {
    Map<String, String> headers = new HashMap<>();
    for (Header h : r.headers()) {
      headers.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
    }
    return headers;
  }
}
