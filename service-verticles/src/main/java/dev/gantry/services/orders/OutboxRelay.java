package dev.gantry.services.orders;

import dev.gantry.codecs.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes unsent outbox rows to Kafka and marks them sent, at least once: a row is marked only
 * after Kafka acknowledged it, and rows stay locked ({@code FOR UPDATE SKIP LOCKED}) while in
 * flight, so relays on several nodes never publish the same row at the same time. While Kafka is
 * down rows wait; nothing is lost. Each record carries its event's UUID as {@code gantry-event-id}
 * so consumers can drop duplicates.
 */
public final class OutboxRelay {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
  static final int BATCH = 200;

  private final Vertx vertx;
  private final Pool pool;
  private final KafkaProducer<String, String> producer;
  private final long pollMillis;
  private long timer = -1;
  private boolean draining;
  private boolean again;
  private boolean stopped;
  private Future<?> inFlight = Future.succeededFuture();
  private MessageConsumer<Object> nudges;

  OutboxRelay(Vertx vertx, Pool pool, KafkaProducer<String, String> producer, long pollMillis) {
    this.vertx = vertx;
    this.pool = pool;
    this.producer = producer;
    this.pollMillis = pollMillis;
  }

  Future<Void> start() {
    timer = vertx.setPeriodic(pollMillis, id -> drain());
    nudges = vertx.eventBus().localConsumer(Addresses.OUTBOX_NUDGE, m -> drain());
    return nudges.completion();
  }

  /** Stops relaying; the future completes when a pass under way has finished. */
  Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return Future.join(nudges == null ? Future.succeededFuture() : nudges.unregister(), inFlight);
  }

  /** One drain at a time per relay; a nudge during a drain asks for another pass after it. */
  private void drain() {
    if (stopped) {
      return;
    }
    if (draining) {
      again = true;
      return;
    }
    draining = true;
    again = false;
    inFlight = pool.withTransaction(this::relayBatch)
        .onComplete(ar -> {
          draining = false;
          if (ar.failed()) {
            LOG.warn("outbox relay pass failed; rows stay queued: {}", ar.cause().toString());
          } else if (ar.result() == BATCH || again) {
            drain();
          }
        });
  }

  private Future<Integer> relayBatch(SqlConnection conn) {
    return conn.preparedQuery("SELECT id, event_id, topic, record_key, payload::text AS payload, "
            + "headers FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED")
        .execute(Tuple.of(BATCH))
        .compose(rows -> {
          List<Long> ids = new ArrayList<>();
          List<Future<?>> sends = new ArrayList<>();
          for (Row row : rows) {
            long id = row.getLong("id");
            KafkaProducerRecord<String, String> record = KafkaProducerRecord.create(
                row.getString("topic"), row.getString("record_key"), row.getString("payload"));
            record.addHeader("gantry-event-id", row.getUUID("event_id").toString());
            JsonObject headers = (JsonObject) row.getValue("headers");
            headers.forEach(h -> record.addHeader(h.getKey(), String.valueOf(h.getValue())));
            ids.add(id);
            sends.add(producer.send(record));
          }
          return Future.join(sends).transform(ar -> markResults(conn, ids, sends));
        });
  }

  private Future<Integer> markResults(SqlConnection conn, List<Long> ids, List<Future<?>> sends) {
    List<Long> sent = new ArrayList<>();
    List<Tuple> failed = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (sends.get(i).succeeded()) {
        sent.add(ids.get(i));
      } else {
        failed.add(Tuple.of(ids.get(i), String.valueOf(sends.get(i).cause())));
      }
    }
    Future<?> marked = sent.isEmpty() ? Future.succeededFuture()
        : conn.preparedQuery("UPDATE outbox SET sent_at = now(), attempts = attempts + 1 "
            + "WHERE id = ANY($1)").execute(Tuple.of(sent.toArray(Long[]::new)));
    Future<?> noted = failed.isEmpty() ? Future.succeededFuture()
        : conn.preparedQuery("UPDATE outbox SET attempts = attempts + 1, last_error = $2 "
            + "WHERE id = $1").executeBatch(failed);
    if (!failed.isEmpty()) {
      LOG.warn("{} outbox events not acknowledged by Kafka yet: {}", failed.size(),
          failed.get(0).getString(1));
    }
    return Future.all(marked, noted).map(v -> ids.size());
  }
}
