package dev.gantry.bench;

import dev.gantry.gateway.spec.UpstreamSpec;
import dev.gantry.gateway.upstream.Endpoint;
import dev.gantry.gateway.upstream.UpstreamPool;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Choosing one of ten weighted targets in two zones, per algorithm. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BalancerBench {
  @Param({"round-robin", "least-requests", "power-of-two", "consistent-hash"})
  public String algorithm;

  private UpstreamPool pool;
  private int key;

  @Setup
  public void setUp() {
    JsonArray targets = new JsonArray();
    for (int i = 0; i < 10; i++) {
      targets.add(new JsonObject().put("url", "http://10.0.0." + (i + 1) + ":8080").put("weight", 1 + i % 3)
          .put("zone", i < 5 ? "a" : "b"));
    }
    pool = new UpstreamPool(UpstreamSpec.fromJson(new JsonObject().put("name", "p").put("algorithm", algorithm)
        .put("hash-on", algorithm.equals("consistent-hash") ? "header:X-User" : null).put("targets", targets), "bench"), "a");
  }

  @Benchmark
  public Endpoint choose() {
    return pool.choose("user-" + (key++ & 1023), Set.of());
  }
}
