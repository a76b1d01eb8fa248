package dev.gantry.bench;

import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.WireRecordCodec;
import dev.gantry.codecs.orders.Order;
import dev.gantry.codecs.orders.OrderLine;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The event-bus contract: record codecs in their clustered and local forms, and the envelope. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBench {
  private final WireRecordCodec<Order> codec = new WireRecordCodec<>(Order.class, Order::fromJson);
  private Order order;
  private Buffer wire;
  private Envelope envelope;
  private DeliveryOptions delivered;

  @Setup
  public void setUp() {
    order = new Order("5f1c2d9e-8a7b-4c3d-9e8f-0a1b2c3d4e5f", "PLACED",
        List.of(new OrderLine(3, 2, 6900), new OrderLine(7, 1, 12900)), 26700, "EUR", Instant.parse("2026-11-25T10:00:00Z"));
    wire = Buffer.buffer();
    codec.encodeToWire(wire, order);
    envelope = Envelope.start("req-1", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", 5000, "alice");
    delivered = envelope.deliveryOptions();
  }

  @Benchmark
  public Buffer encodeClustered() {
    Buffer b = Buffer.buffer(256);
    codec.encodeToWire(b, order);
    return b;
  }

  @Benchmark
  public Order decodeClustered() {
    return codec.decodeFromWire(0, wire);
  }

  @Benchmark
  public Order passLocally() {
    return codec.transform(order);
  }

  @Benchmark
  public DeliveryOptions envelopeToHeaders() {
    return envelope.deliveryOptions();
  }

  @Benchmark
  public Envelope envelopeFromHeaders() {
    return Envelope.from(delivered.getHeaders());
  }
}
