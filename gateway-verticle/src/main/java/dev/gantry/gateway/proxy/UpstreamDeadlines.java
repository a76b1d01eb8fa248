package dev.gantry.gateway.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * How long one event loop's upstream requests may wait for their answer's head, without a timer
 * per request. Vert.x's per-request idle timeout sets a timer when a request is made and cancels
 * it when the answer comes — a scheduled task and a map entry each time, about 3 % of a proxied
 * request's event-loop time. Here the waiting requests are a list and one timer stands for all of
 * them, armed for the earliest deadline: joining the list and leaving it (the answer came, or the
 * attempt failed) cost a few field writes; the timer, when it fires, resets the requests that are
 * due and re-arms for the next. Deadlines mostly grow in arrival order, so it is re-armed only
 * when a request comes with an earlier deadline than the one armed (a shorter route timeout) and
 * otherwise fires about once per timeout while requests flow.
 *
 * <p>Used from the event loop that made it; a request made on any other thread gets Vert.x's own
 * idle timeout instead.
 */
final class UpstreamDeadlines {
  private final Vertx vertx;
  private final Thread owner;
  private final Wait list = new Wait(null, 0); // sentinel: list.next is the first wait, list.prev the last
  private long timer = -1;
  private long armedFor = Long.MAX_VALUE;

  /** Made on the event loop whose requests it watches. */
  UpstreamDeadlines(Vertx vertx) {
    this.vertx = vertx;
    this.owner = Thread.currentThread();
    list.next = list;
    list.prev = list;
  }

  /** One request's wait; {@link #done} when its answer's head came or it failed. */
  final class Wait {
    private final HttpClientRequest request;
    private final long deadline;
    private Wait prev;
    private Wait next;

    private Wait(HttpClientRequest request, long deadline) {
      this.request = request;
      this.deadline = deadline;
    }

    /** Leaves the list; does nothing the second time, or for a request on Vert.x's own timeout. */
    void done() {
      if (next != null) {
        prev.next = next;
        next.prev = prev;
        next = null;
        prev = null;
      }
    }
  }

  /** A wait of at most {@code timeoutMillis} for {@code request}'s answer; then it is reset with a {@link TimeoutException}. */
  Wait watch(HttpClientRequest request, long timeoutMillis) {
    if (Thread.currentThread() != owner) {
      request.idleTimeout(timeoutMillis);
      return new Wait(request, 0);
    }
    long deadline = System.currentTimeMillis() + timeoutMillis;
    Wait w = new Wait(request, deadline);
    w.prev = list.prev;
    w.next = list;
    list.prev.next = w;
    list.prev = w;
    if (deadline < armedFor) {
      arm(deadline);
    }
    return w;
  }

  private void arm(long deadline) {
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
    armedFor = deadline;
    timer = vertx.setTimer(Math.max(1, deadline - System.currentTimeMillis()), id -> fire());
  }

  private void fire() {
    timer = -1;
    armedFor = Long.MAX_VALUE;
    long now = System.currentTimeMillis();
    List<Wait> due = new ArrayList<>();
    for (Wait w = list.next; w != list; ) {
      Wait after = w.next;
      if (w.deadline <= now) {
        w.done();
        due.add(w);
      }
      w = after;
    }
    // Resets run their callbacks at once (a retry may watch a new request): the list is left first.
    for (Wait w : due) {
      w.request.reset(0, new TimeoutException("no answer within the time left for this request"));
    }
    long next = Long.MAX_VALUE;
    for (Wait w = list.next; w != list; w = w.next) {
      next = Math.min(next, w.deadline);
    }
    if (next < armedFor) {
      arm(next);
    }
  }

  /** How many requests wait (for tests). */
  int waiting() {
    int n = 0;
    for (Wait w = list.next; w != list; w = w.next) {
      n++;
    }
    return n;
  }
}
