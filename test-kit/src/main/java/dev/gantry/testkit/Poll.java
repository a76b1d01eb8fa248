package dev.gantry.testkit;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition, checking every 100 ms until a deadline, on a Vert.x timer. */
public final class Poll {
  private Poll() {}

  public static void until(Vertx vertx, Duration within, String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within + ": " + what);
      }
      vertx.timer(100).await();
    }
  }
}
