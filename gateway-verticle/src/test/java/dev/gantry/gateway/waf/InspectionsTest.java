package dev.gantry.gateway.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.ServiceException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Off-loop inspections run a few at a time, in order, and those whose client left are dropped. */
@ExtendWith(VertxExtension.class)
class InspectionsTest {
  @Test
  void noMoreThanTheLimitRunAtOnceAndAnAbandonedOneIsNeverRun(Vertx vertx) throws Exception {
    Inspections inspections = new Inspections(2);
    Context context = vertx.getOrCreateContext();
    AtomicInteger now = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger ran = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch twoStarted = new CountDownLatch(2);
    List<Future<Integer>> all = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int n = i;
      all.add(inspections.run(context, () -> {
        most.accumulateAndGet(now.incrementAndGet(), Math::max);
        ran.incrementAndGet();
        twoStarted.countDown();
        assertTrue(release.await(30, TimeUnit.SECONDS));
        now.decrementAndGet();
        return n;
      }, () -> n == 5 ? new dev.gantry.codecs.ServiceException(dev.gantry.codecs.Failure.REQUEST_TIMEOUT, "gone") : null));
    }
    assertEquals(6, inspections.load()[1], "two run, six wait");
    assertTrue(twoStarted.await(30, TimeUnit.SECONDS));
    assertEquals(2, ran.get(), "no third starts while two run");
    release.countDown();
    for (int i = 0; i < 8; i++) {
      Future<Integer> f = all.get(i);
      if (i == 5) {
        Throwable failure = f.transform(ar -> Future.succeededFuture(ar.cause())).await();
        assertTrue(failure instanceof ServiceException e && e.failure().httpStatus() == 408, String.valueOf(failure));
      } else {
        assertEquals(i, f.await());
      }
    }
    assertEquals(2, most.get(), "at most two at once");
    assertEquals(7, ran.get(), "the abandoned one was not inspected");
    assertEquals(0, inspections.load()[0] + inspections.load()[1]);
  }
}
