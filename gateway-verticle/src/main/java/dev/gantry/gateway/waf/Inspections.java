package dev.gantry.gateway.waf;

import dev.gantry.codecs.ServiceException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The node's off-loop body inspections, a few at a time (one per core): each inspection of a large
 * body makes several copies of it (decoded, transformed, as arguments), so a burst of large
 * bodies inspected on every worker thread at once ran a 512 MiB heap out of memory although the
 * bodies themselves fitted. The rest wait in order; one whose client has gone, or whose deadline
 * has passed, by its turn is dropped without being inspected, so a queue of abandoned bodies is
 * not worked through.
 */
final class Inspections {
  private final int max;
  private final ArrayDeque<Waiting<?>> waiting = new ArrayDeque<>(); // guarded by this
  private int running; // guarded by this

  private record Waiting<T>(Context context, Callable<T> task, Supplier<ServiceException> abandoned, Promise<T> promise) {}

  Inspections(int max) {
    this.max = Math.max(1, max);
  }

  /**
   * Runs {@code task} on a worker of {@code context} when fewer than the limit run; its future
   * completes on that context.
   *
   * @param abandoned why the request is no longer worth inspecting, or null while it is (asked
   *                  when its turn comes)
   */
  <T> Future<T> run(Context context, Callable<T> task, Supplier<ServiceException> abandoned) {
    Waiting<T> w = new Waiting<>(context, task, abandoned, Promise.promise());
    synchronized (this) {
      waiting.add(w);
    }
    pump();
    return w.promise().future();
  }

  /** Starts waiting inspections while there is room; drops, in a loop, those whose client left. */
  private void pump() {
    while (true) {
      Waiting<?> next;
      synchronized (this) {
        if (running >= max || waiting.isEmpty()) {
          return;
        }
        next = waiting.poll();
        running++;
      }
      ServiceException gone = next.abandoned().get();
      if (gone != null) {
        synchronized (this) {
          running--;
        }
        next.promise().fail(gone);
        continue;
      }
      execute(next);
    }
  }

  private <T> void execute(Waiting<T> w) {
    w.context().executeBlocking(w.task(), false).onComplete(ar -> {
      synchronized (this) {
        running--;
      }
      w.promise().handle(ar);
      pump();
    });
  }

  /** Inspections running and waiting now. */
  synchronized int[] load() {
    return new int[] {running, waiting.size()};
  }
}
