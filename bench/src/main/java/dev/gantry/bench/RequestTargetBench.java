package dev.gantry.bench;

import dev.gantry.gateway.edge.RequestTarget;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The edge's one normalisation of a request target: a path already in normal form (the usual
 * case, used as it is), one that needs decoding and dot removal, and one that is refused.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestTargetBench {
  private final String clean = "/shop/catalog/items/12345?limit=20&cursor=abc";
  private final String messy = "/shop//catalog/./items/%7euser/../12345?limit=20";
  private final String refused = "/shop/catalog/%2e%2e/internal";

  @Benchmark
  public RequestTarget cleanPath() {
    return RequestTarget.parse(clean);
  }

  @Benchmark
  public RequestTarget pathToNormalise() {
    return RequestTarget.parse(messy);
  }

  @Benchmark
  public Object refusedPath() {
    try {
      return RequestTarget.parse(refused);
    } catch (RuntimeException e) {
      return e;
    }
  }
}
