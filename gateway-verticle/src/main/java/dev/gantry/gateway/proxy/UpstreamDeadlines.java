package dev.gantry.gateway.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How long one event loop's upstream requests may wait for their answer's head, without a Vert.x
 * timer per request. Vert.x's per-request idle timeout sets a timer when a request is made and
 * cancels it when the answer comes — a timer handler, a map entry, an id and a scheduled task each
 * time, about 3 % of a proxied request's event-loop time. Here the waiting requests are a binary
 * heap ordered by deadline (joining and leaving: a few comparisons and moves) and one timer,
 * armed for the earliest deadline, stands for all of them. When it fires it resets the requests
 * that are due, in deadline order, and re-arms for the next; it is re-armed early only when a
 * request comes with a deadline before the armed one (a shorter route timeout). While requests
 * are answered in time it fires about once per timeout; while they time out, once per distinct
 * deadline, each firing costing what it resets (a logarithm each), as separate timers would.
 *
 * <p>Deadlines are read from {@link System#nanoTime()}: a wall clock stepped by NTP or a resumed
 * VM neither times out every request at once nor holds them past their time.
 *
 * <p>Used from the event loop that made it; a request made on any other thread gets Vert.x's own
 * idle timeout instead.
 */
final class UpstreamDeadlines {
  /** RST_STREAM CANCEL, what Vert.x's own timeout sends an HTTP/2 upstream (HTTP/1.1 closes the connection). */
  private static final long CANCEL = 0x8;
  private final Vertx vertx;
  private final Thread owner;
  private Wait[] heap = new Wait[64];
  private int size;
  private long timer = -1;
  private long armedFor = Long.MAX_VALUE;

  /** Made on the event loop whose requests it watches. */
  UpstreamDeadlines(Vertx vertx) {
    this.vertx = vertx;
    this.owner = Thread.currentThread();
  }

  /** One request's wait; {@link #done} when its answer's head came or it failed. */
  final class Wait {
    private final HttpClientRequest request;
    private final long deadline;
    private int index = -1;
    private boolean expired;

    private Wait(HttpClientRequest request, long deadline) {
      this.request = request;
      this.deadline = deadline;
    }

    /** Leaves the heap; does nothing the second time, or for a request on Vert.x's own timeout. */
    void done() {
      if (index >= 0) {
        remove(this);
      }
    }

    /** Whether the deadline passed and the request was reset for it. */
    boolean expired() {
      return expired;
    }
  }

  /** The failure a request whose deadline passed ends with. */
  static final class DeadlineExceeded extends TimeoutException {
    DeadlineExceeded() {
      super("no answer within the time left for this request");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this; // one per timed-out request: where it was made says nothing
    }
  }

  /** A wait of at most {@code timeoutMillis} for {@code request}'s answer; then it is reset. */
  Wait watch(HttpClientRequest request, long timeoutMillis) {
    if (Thread.currentThread() != owner) {
      request.idleTimeout(timeoutMillis);
      return new Wait(request, 0);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    Wait w = new Wait(request, deadline);
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    w.index = size;
    heap[size++] = w;
    up(w.index);
    if (deadline - armedFor < 0 || timer == -1) {
      arm(deadline);
    }
    return w;
  }

  private void arm(long deadline) {
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
    armedFor = deadline;
    long delayMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime() + 999_999));
    timer = vertx.setTimer(delayMillis, id -> fire());
  }

  private void fire() {
    timer = -1;
    armedFor = Long.MAX_VALUE;
    long now = System.nanoTime();
    // Take every due wait off the heap first: a reset runs its callbacks at once, and a retry
    // among them may watch a new request.
    Wait[] due = null;
    int n = 0;
    while (size > 0 && heap[0].deadline - now <= 0) {
      Wait w = heap[0];
      remove(w);
      w.expired = true;
      if (due == null) {
        due = new Wait[4];
      } else if (n == due.length) {
        due = Arrays.copyOf(due, n * 2);
      }
      due[n++] = w;
    }
    for (int i = 0; i < n; i++) {
      try {
        due[i].request.reset(CANCEL, new DeadlineExceeded());
      } catch (RuntimeException e) {
        // a request already closed underneath: nothing left to reset; the others still are
      }
    }
    if (size > 0 && (timer == -1 || heap[0].deadline - armedFor < 0)) {
      arm(heap[0].deadline);
    }
  }

  private void remove(Wait w) {
    int i = w.index;
    w.index = -1;
    Wait last = heap[--size];
    heap[size] = null;
    if (last != w) {
      heap[i] = last;
      last.index = i;
      down(i);
      up(last.index);
    }
  }

  private void up(int i) {
    Wait w = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Wait p = heap[parent];
      if (p.deadline - w.deadline <= 0) {
        break;
      }
      heap[i] = p;
      p.index = i;
      i = parent;
    }
    heap[i] = w;
    w.index = i;
  }

  private void down(int i) {
    Wait w = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      Wait c = heap[child];
      int right = child + 1;
      if (right < size && heap[right].deadline - c.deadline < 0) {
        child = right;
        c = heap[child];
      }
      if (w.deadline - c.deadline <= 0) {
        break;
      }
      heap[i] = c;
      c.index = i;
      i = child;
    }
    heap[i] = w;
    w.index = i;
  }

  /** How many requests wait (for tests). */
  int waiting() {
    return size;
  }

  /** Whether a timer is armed (for tests). */
  boolean armed() {
    return timer != -1;
  }
}
