package dev.gantry.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.services.sdk.kafka.ConsumedRecord;
import dev.gantry.services.sdk.kafka.TopicConsumer;
import dev.gantry.services.sdk.kafka.TopicConsumerOptions;
import dev.gantry.testkit.Poll;
import dev.gantry.testkit.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The consumer SDK against the test kit's real broker, each test on topics of its own. */
@ExtendWith(VertxExtension.class)
class TopicConsumerTest {

  @Test
  void poisonRecordsGoToTheDeadLetterTopicAndThePartitionMovesOn(Vertx vertx) {
    String topic = "poison-" + UUID.randomUUID();
    String bootstrap = TestBackends.shared().kafkaBootstrap();
    KafkaProducer<String, String> producer = producer(vertx, bootstrap);
    List<Integer> handled = new CopyOnWriteArrayList<>();
    Set<Integer> failedOnce = ConcurrentHashMap.newKeySet();
    TopicConsumer<Integer> consumer = new TopicConsumer<>(vertx, options(bootstrap, topic, "group-a"),
        (key, value, headers) -> Integer.parseInt(value.toString()),
        batch -> {
          for (ConsumedRecord<Integer> r : batch) {
            if (r.value() == 13) {
              return Future.failedFuture(new IllegalStateException("13 is never handled"));
            }
            if (r.value() == 7 && failedOnce.add(7)) {
              return Future.failedFuture(new IllegalStateException("7 fails the first time"));
            }
          }
          batch.forEach(r -> handled.add(r.value())); // all of a batch or none of it
          return Future.succeededFuture();
        });
    try {
      for (String v : List.of("1", "2", "not a number", "7", "13", "3", "\u0000\u00ff")) {
        producer.send(KafkaProducerRecord.create(topic, "k", v).addHeader("origin", "test")).await();
      }
      consumer.start().await();
      Poll.until(vertx, Duration.ofSeconds(60), "1, 2, 7, 3 handled", () -> handled.containsAll(List.of(1, 2, 7, 3)));
      producer.send(KafkaProducerRecord.create(topic, "k", "4")).await();
      Poll.until(vertx, Duration.ofSeconds(30), "a record after the poison ones is handled", () -> handled.contains(4));
      assertEquals(List.of(1, 2, 7, 3, 4), handled.stream().distinct().toList(), "in offset order, 13 never");

      Queue<KafkaConsumerRecord<String, String>> letters = read(vertx, bootstrap, topic + ".dlq", 3);
      assertEquals(Set.of("not a number", "13", "\u0000\u00ff"),
          Set.copyOf(letters.stream().map(KafkaConsumerRecord::value).toList()));
      KafkaConsumerRecord<String, String> undecodable = letters.stream()
          .filter(r -> r.value().equals("not a number")).findFirst().orElseThrow();
      assertTrue(header(undecodable, TopicConsumer.DLQ_REASON).startsWith("undecodable: "), header(undecodable, TopicConsumer.DLQ_REASON));
      assertEquals(topic + "/0/2", header(undecodable, TopicConsumer.DLQ_SOURCE));
      assertEquals("test", header(undecodable, "origin"), "the record's own headers are kept");
      KafkaConsumerRecord<String, String> failed = letters.stream().filter(r -> r.value().equals("13")).findFirst().orElseThrow();
      assertEquals("failed: 13 is never handled", header(failed, TopicConsumer.DLQ_REASON));
      assertEquals("3", header(failed, TopicConsumer.DLQ_ATTEMPTS));
      Poll.until(vertx, Duration.ofSeconds(10), "no lag once everything is handled",
          () -> consumer.lag().getOrDefault(0, -1L) == 0L);
      assertEquals(3, consumer.deadLettered());
    } finally {
      consumer.stop().await();
    }

    // The group's offsets were committed: a new member reads only what came after.
    List<Integer> second = new CopyOnWriteArrayList<>();
    TopicConsumer<Integer> again = new TopicConsumer<>(vertx, options(bootstrap, topic, "group-a"),
        (key, value, headers) -> Integer.parseInt(value.toString()),
        batch -> {
          batch.forEach(r -> second.add(r.value()));
          return Future.succeededFuture();
        });
    try {
      again.start().await();
      producer.send(KafkaProducerRecord.create(topic, "k", "5")).await();
      Poll.until(vertx, Duration.ofSeconds(60), "the new record", () -> second.contains(5));
      assertEquals(List.of(5), second);
    } finally {
      again.stop().await();
      producer.close().await();
    }
  }

  private static TopicConsumerOptions options(String bootstrap, String topic, String group) {
    return new TopicConsumerOptions().setBootstrap(bootstrap).setTopic(topic).setGroupId(group + "-" + topic)
        .setInitialBackoffMillis(10).setMaxBackoffMillis(50).setPollTimeoutMillis(100);
  }

  private static KafkaProducer<String, String> producer(Vertx vertx, String bootstrap) {
    return KafkaProducer.create(vertx, Map.of("bootstrap.servers", bootstrap,
        "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "value.serializer", "org.apache.kafka.common.serialization.StringSerializer", "acks", "all"));
  }

  private static Queue<KafkaConsumerRecord<String, String>> read(Vertx vertx, String bootstrap, String topic, int n) {
    Queue<KafkaConsumerRecord<String, String>> records = new ConcurrentLinkedQueue<>();
    KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, Map.of("bootstrap.servers", bootstrap,
        "group.id", "reader-" + UUID.randomUUID(), "auto.offset.reset", "earliest",
        "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
        "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"));
    consumer.handler(records::add);
    consumer.subscribe(topic).await();
    try {
      Poll.until(vertx, Duration.ofSeconds(60), n + " records on " + topic, () -> records.size() >= n);
    } finally {
      consumer.close().await();
    }
    return records;
  }

  private static String header(KafkaConsumerRecord<String, String> record, String name) {
    return record.headers().stream().filter(h -> h.key().equals(name))
        .map(h -> h.value().toString(StandardCharsets.UTF_8)).findFirst().orElse(null);
  }
}
