package dev.gantry.services.sdk.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.kafka.client.serialization.BufferDeserializer;
import io.vertx.kafka.client.serialization.BufferSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer group member for one topic: poll, decode, hand the batch to the handler, commit the
 * batch's offsets once the handler's future succeeded, poll again. One batch is in hand at a time.
 *
 * <p>A record that cannot be decoded goes to {@code <topic>.dlq} at once. A failing batch is tried
 * again up to {@code max-attempts} with doubling backoff, then record by record with the same
 * budget; a record that still fails goes to the dead-letter topic, and the partition moves on.
 * Dead letters keep the record's key, bytes and headers and add {@code gantry-dlq-reason},
 * {@code gantry-dlq-source} ({@code topic/partition/offset}) and {@code gantry-dlq-attempts}.
 * Should a dead letter or a commit fail, the batch is read again from its first offset after a
 * backoff: delivery is at least once, and handlers drop what they have already seen.
 */
public final class TopicConsumer<T> {
  private static final Logger LOG = LoggerFactory.getLogger(TopicConsumer.class);
  public static final String DLQ_REASON = "gantry-dlq-reason";
  public static final String DLQ_SOURCE = "gantry-dlq-source";
  public static final String DLQ_ATTEMPTS = "gantry-dlq-attempts";
  private static final long LAG_EVERY_MILLIS = 1_000;

  private final Vertx vertx;
  private final TopicConsumerOptions options;
  private final RecordDecoder<T> decoder;
  private final BatchHandler<T> handler;
  private final Map<Integer, Long> lag = new ConcurrentHashMap<>();
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private KafkaConsumer<String, Buffer> consumer;
  private KafkaProducer<String, Buffer> deadLetters;
  private volatile boolean stopped;
  private final Promise<Void> loopEnded = Promise.promise();
  private long lagCheckedAt;
  private int failures;

  public TopicConsumer(Vertx vertx, TopicConsumerOptions options, RecordDecoder<T> decoder, BatchHandler<T> handler) {
    this.vertx = vertx;
    this.options = options.validate();
    this.decoder = decoder;
    this.handler = handler;
  }

  /** Joins the group and starts the loop; the future completes once subscribed. */
  public Future<Void> start() {
    consumer = KafkaConsumer.create(vertx, options.consumerConfig(), new StringDeserializer(), new BufferDeserializer());
    deadLetters = KafkaProducer.create(vertx, options.producerConfig(), new StringSerializer(), new BufferSerializer());
    return consumer.subscribe(options.getTopic()).onSuccess(v -> loop());
  }

  /** Stops after the batch in hand; its offsets are committed if it succeeds. */
  public Future<Void> stop() {
    stopped = true;
    Future<Void> ended = consumer == null ? Future.succeededFuture() : loopEnded.future();
    return ended.eventually(() -> consumer == null ? Future.succeededFuture() : consumer.close())
        .eventually(() -> deadLetters == null ? Future.succeededFuture() : deadLetters.close());
  }

  /** Records behind the end of each assigned partition, as of the last check (about every second). */
  public Map<Integer, Long> lag() {
    return Map.copyOf(lag);
  }

  /** Records handled successfully since start. */
  public long handled() {
    return handled.get();
  }

  /** Records sent to the dead-letter topic since start. */
  public long deadLettered() {
    return deadLettered.get();
  }

  private void loop() {
    if (stopped) {
      loopEnded.tryComplete();
      return;
    }
    consumer.poll(Duration.ofMillis(options.getPollTimeoutMillis()))
        .compose(records -> process(records).compose(v -> checkLag()))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            failures = 0;
            loop();
          } else {
            failures++;
            LOG.warn("{}: batch not completed, reading it again: {}", options.getTopic(), ar.cause().toString());
            vertx.setTimer(backoff(failures), id -> loop());
          }
        });
  }

  private Future<Void> process(KafkaConsumerRecords<String, Buffer> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture();
    }
    List<KafkaConsumerRecord<String, Buffer>> raw = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      raw.add(records.recordAt(i));
    }
    List<ConsumedRecord<T>> decoded = new ArrayList<>();
    List<Future<?>> letters = new ArrayList<>();
    Map<ConsumedRecord<T>, KafkaConsumerRecord<String, Buffer>> sources = new HashMap<>();
    for (KafkaConsumerRecord<String, Buffer> r : raw) {
      Map<String, String> headers = headers(r);
      try {
        T value = decoder.decode(r.key(), r.value(), headers);
        ConsumedRecord<T> c = new ConsumedRecord<>(r.topic(), r.partition(), r.offset(), r.key(), value, headers, r.timestamp());
        decoded.add(c);
        sources.put(c, r);
      } catch (RuntimeException e) {
        letters.add(deadLetter(r, "undecodable: " + e.getMessage(), 0));
      }
    }
    Future<Void> done = decoded.isEmpty() ? Future.succeededFuture()
        : attempt(() -> handler.handle(decoded), 1).recover(e -> decoded.size() == 1
            ? deadLetter(sources.get(decoded.get(0)), "failed: " + e.getMessage(), options.getMaxAttempts())
            : oneByOne(decoded, sources));
    return done.compose(v -> Future.all(letters)).compose(v -> commit(raw))
        .onSuccess(v -> handled.addAndGet(decoded.size()))
        .recover(e -> seekBack(raw).transform(ignored -> Future.failedFuture(e)));
  }

  /** The batch failed as a whole: each record alone, with its own attempts, in order. */
  private Future<Void> oneByOne(List<ConsumedRecord<T>> decoded,
      Map<ConsumedRecord<T>, KafkaConsumerRecord<String, Buffer>> sources) {
    Future<Void> chain = Future.succeededFuture();
    for (ConsumedRecord<T> record : decoded) {
      chain = chain.compose(v -> attempt(() -> handler.handle(List.of(record)), 1)
          .recover(e -> deadLetter(sources.get(record), "failed: " + e.getMessage(), options.getMaxAttempts())));
    }
    return chain;
  }

  private Future<Void> attempt(java.util.function.Supplier<Future<Void>> work, int n) {
    Future<Void> tried;
    try {
      tried = work.get();
    } catch (RuntimeException e) {
      tried = Future.failedFuture(e);
    }
    return tried.recover(e -> {
      if (n >= options.getMaxAttempts() || stopped) {
        return Future.failedFuture(e);
      }
      Promise<Void> waited = Promise.promise();
      vertx.setTimer(backoff(n), id -> waited.complete());
      return waited.future().compose(v -> attempt(work, n + 1));
    });
  }

  private long backoff(int failuresSoFar) {
    long delay = options.getInitialBackoffMillis() << Math.min(20, Math.max(0, failuresSoFar - 1));
    return Math.min(options.getMaxBackoffMillis(), delay);
  }

  private Future<Void> deadLetter(KafkaConsumerRecord<String, Buffer> r, String reason, int attempts) {
    KafkaProducerRecord<String, Buffer> letter = KafkaProducerRecord.create(options.deadLetterTopic(), r.key(),
        r.value() == null ? Buffer.buffer() : r.value());
    r.headers().forEach(h -> letter.addHeader(h.key(), h.value()));
    String bounded = reason.length() > 1000 ? reason.substring(0, 1000) : reason;
    letter.addHeader(DLQ_REASON, bounded);
    letter.addHeader(DLQ_SOURCE, r.topic() + "/" + r.partition() + "/" + r.offset());
    letter.addHeader(DLQ_ATTEMPTS, Integer.toString(attempts));
    return deadLetters.send(letter).onSuccess(m -> {
      deadLettered.incrementAndGet();
      LOG.warn("{}: record {}/{} sent to {}: {}", r.topic(), r.partition(), r.offset(), options.deadLetterTopic(), bounded);
    }).mapEmpty();
  }

  private Future<Void> commit(List<KafkaConsumerRecord<String, Buffer>> raw) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (KafkaConsumerRecord<String, Buffer> r : raw) {
      offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1, null));
    }
    return consumer.commit(offsets).mapEmpty();
  }

  /** Puts each partition of the batch back to the batch's first offset there, to read it again. */
  private Future<Void> seekBack(List<KafkaConsumerRecord<String, Buffer>> raw) {
    Map<TopicPartition, Long> first = new LinkedHashMap<>();
    for (KafkaConsumerRecord<String, Buffer> r : raw) {
      first.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset());
    }
    // A partition revoked meanwhile cannot be sought; its new owner reads from the last commit.
    return Future.join(first.entrySet().stream().map(e -> consumer.seek(e.getKey(), e.getValue())).toList()).mapEmpty();
  }

  private Future<Void> checkLag() {
    long now = System.currentTimeMillis();
    if (now - lagCheckedAt < LAG_EVERY_MILLIS) {
      return Future.succeededFuture();
    }
    lagCheckedAt = now;
    return consumer.assignment().compose(parts -> {
      if (parts.isEmpty()) {
        lag.clear();
        return Future.succeededFuture();
      }
      return consumer.endOffsets(parts).compose(ends -> Future.all(ends.keySet().stream()
          .map(tp -> consumer.position(tp).onSuccess(pos -> lag.put(tp.getPartition(), Math.max(0, ends.get(tp) - pos))))
          .toList()).onSuccess(v -> lag.keySet().retainAll(ends.keySet().stream().map(TopicPartition::getPartition).toList())));
    }).recover(e -> Future.succeededFuture()).mapEmpty();
  }

  private static Map<String, String> headers(KafkaConsumerRecord<String, Buffer> r) {
    Map<String, String> headers = new HashMap<>();
    for (KafkaHeader h : r.headers()) {
      headers.put(h.key(), h.value() == null ? "" : new String(h.value().getBytes(), StandardCharsets.UTF_8));
    }
    return headers;
  }
}
