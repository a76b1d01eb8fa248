package dev.gantry.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each embedded backend answers its own protocol on the port it names, and stops when closed. */
class EmbeddedBackendsTest {
  @TempDir Path dir;

  @Test
  void postgresStoresRowsThatOutliveARestartAndStopsListeningWhenClosed() throws Exception {
    int port;
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("pg"))) {
      port = pg.port();
      assertEquals("postgresql://postgres@127.0.0.1:" + port + "/postgres", pg.endpoint());
      try (Connection c = DriverManager.getConnection(jdbc(port), "postgres", "");
           Statement s = c.createStatement()) {
        s.execute("CREATE TABLE kept (v text)");
        s.execute("INSERT INTO kept VALUES ('still here')");
      }
    }
    assertRefused(port, "Postgres after close");
    try (EmbeddedPostgresServer again = EmbeddedPostgresServer.start(dir.resolve("pg"));
         Connection c = DriverManager.getConnection(jdbc(again.port()), "postgres", "");
         Statement s = c.createStatement();
         ResultSet rows = s.executeQuery("SELECT v FROM kept")) {
      rows.next();
      assertEquals("still here", rows.getString(1), "the data directory outlives the server");
    }
  }

  @Test
  void redisAnswersCommandsAndStopsListeningWhenClosed() throws Exception {
    int port;
    try (EmbeddedRedisServer redis = EmbeddedRedisServer.start(dir.resolve("redis"))) {
      port = redis.port();
      assertEquals("redis://127.0.0.1:" + port, redis.endpoint());
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        out.write("SET gantry-key gantry-value\r\nGET gantry-key\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertEquals("+OK", in.readLine());
        assertEquals("$12", in.readLine());
        assertEquals("gantry-value", in.readLine());
      }
    }
    assertRefused(port, "Redis after close");
  }

  @Test
  void kafkaTakesARecordAndGivesItBackAndStopsListeningWhenClosed() throws Exception {
    int port;
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"))) {
      port = kafka.port();
      assertEquals("127.0.0.1:" + port, kafka.endpoint());
      String topic = "embedded-" + UUID.randomUUID();
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.endpoint(),
          "key.serializer", StringSerializer.class.getName(), "value.serializer", StringSerializer.class.getName()))) {
        producer.send(new ProducerRecord<>(topic, "k", "v1")).get(60, TimeUnit.SECONDS);
      }
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.endpoint(),
          "group.id", "embedded-test", "auto.offset.reset", "earliest",
          "key.deserializer", StringDeserializer.class.getName(), "value.deserializer", StringDeserializer.class.getName()))) {
        consumer.subscribe(List.of(topic));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        ConsumerRecord<String, String> record = null;
        while (record == null) {
          if (System.nanoTime() > deadline) {
            fail("the record did not come back within 60 s");
          }
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
            record = r;
          }
        }
        assertEquals("k", record.key());
        assertEquals("v1", record.value());
      }
    }
    assertRefused(port, "Kafka after close");
  }

  private static String jdbc(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  /** The port refuses connections: close() returned only once the server was gone. */
  private static void assertRefused(int port, String what) {
    assertThrows(ConnectException.class, () -> {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      }
    }, what + " still listens on " + port);
  }
}
