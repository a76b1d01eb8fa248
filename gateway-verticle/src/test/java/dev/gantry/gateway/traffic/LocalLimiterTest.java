package dev.gantry.gateway.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-memory store: atomic per decision, safe across threads, bounded in subjects. */
class LocalLimiterTest {
  private static final long MINUTE = 60_000;
  private final AtomicLong now = new AtomicLong(100 * MINUTE);

  private List<Window> minute(long limit) {
    return List.of(Window.sliding("default", limit, MINUTE, now.get()));
  }

  @Test
  void admitsTheLimitThenRefusesAndARefusalCountsNowhere() {
    LocalLimiter limiter = new LocalLimiter(1_000, now::get);
    List<Window> both = List.of(Window.sliding("short", 2, 1_000, now.get()),
        Window.sliding("long", 10, MINUTE, now.get()));
    assertTrue(limiter.decide("s", both).allowed());
    assertTrue(limiter.decide("s", both).allowed());
    Decision refused = limiter.decide("s", both);
    assertFalse(refused.allowed());
    assertEquals(8, refused.windows().get(1).remaining(), "the long window did not count the refused request");
    now.addAndGet(2_000); // the short window has moved on twice: its old count has gone
    List<Window> later = List.of(Window.sliding("short", 2, 1_000, now.get()),
        Window.sliding("long", 10, MINUTE, now.get()));
    Decision admitted = limiter.decide("s", later);
    assertTrue(admitted.allowed());
    assertEquals(7, admitted.windows().get(1).remaining());
  }

  @Test
  void neverTracksMoreSubjectsThanItsBound() {
    LocalLimiter limiter = new LocalLimiter(160, now::get);
    for (int i = 0; i < 10_000; i++) {
      limiter.decide("client-" + i, minute(5));
    }
    assertTrue(limiter.subjects() <= 160, limiter.subjects() + " subjects");
  }

  @Test
  void threadsRacingOnOneSubjectAreAdmittedExactlyTheLimit() throws Exception {
    LocalLimiter limiter = new LocalLimiter(1_000, now::get);
    List<Window> windows = minute(5_000);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        tasks.add(() -> {
          int admitted = 0;
          for (int i = 0; i < 1_000; i++) {
            admitted += limiter.decide("hot", windows).allowed() ? 1 : 0;
          }
          return admitted;
        });
      }
      int total = 0;
      for (Future<Integer> f : pool.invokeAll(tasks)) {
        total += f.get();
      }
      assertEquals(5_000, total);
    } finally {
      pool.shutdownNow();
    }
  }
}
