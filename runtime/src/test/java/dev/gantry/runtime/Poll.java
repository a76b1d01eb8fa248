package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition, checking every 100 ms until a deadline, on a Vert.x timer. */
final class Poll {
  private Poll() {}

  static void until(Vertx vertx, Duration within, String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        fail("not within " + within + ": " + what);
      }
      vertx.timer(100).await();
    }
  }
}
