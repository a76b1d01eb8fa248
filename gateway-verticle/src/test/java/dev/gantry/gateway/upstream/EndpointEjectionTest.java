package dev.gantry.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.gateway.spec.UpstreamSpec;
import org.junit.jupiter.api.Test;

/** Passive ejection on an endpoint, with the clock given as numbers: no waiting, no timing. */
class EndpointEjectionTest {
  private static final UpstreamSpec.Outlier OUTLIER = new UpstreamSpec.Outlier(2, 1_000, 5_000, 50);

  /** Fails the endpoint until it is ejected at {@code now}; returns how long it stays out. */
  private static long ejectAt(Endpoint e, long now) {
    assertFalse(e.failed(now, OUTLIER, true), "one failure is not enough");
    assertTrue(e.failed(now, OUTLIER, true), "the second consecutive failure ejects");
    long until = now;
    while (e.ejected(until)) {
      until += 1;
      if (until - now > 1_000_000) {
        throw new AssertionError("never returns");
      }
    }
    return until - now;
  }

  @Test
  void eachRepeatedEjectionLastsTwiceAsLongUpToTheMaximum() {
    Endpoint e = new Endpoint(new UpstreamSpec.Target("127.0.0.1", 1, 1, "default"));
    long t = 1_000_000;
    long first = ejectAt(e, t);
    t += first;
    long second = ejectAt(e, t);
    t += second;
    long third = ejectAt(e, t);
    t += third;
    long fourth = ejectAt(e, t);
    t += fourth;
    long fifth = ejectAt(e, t);
    assertTrue(first == 1_000 && second == 2_000 && third == 4_000 && fourth == 5_000 && fifth == 5_000,
        "ejections of " + first + ", " + second + ", " + third + ", " + fourth + ", " + fifth + " ms");
  }

  @Test
  void noEjectionWhileThePoolsShareIsTakenAndFailuresWhileEjectedDoNotExtendIt() {
    Endpoint e = new Endpoint(new UpstreamSpec.Target("127.0.0.1", 1, 1, "default"));
    for (int i = 0; i < 5; i++) {
      assertFalse(e.failed(0, OUTLIER, false), "the pool's max-ejected-percent is taken");
    }
    assertFalse(e.ejected(0));
    e.succeeded();
    assertTrue(ejectAt(e, 10) == 1_000);
    assertFalse(e.failed(500, OUTLIER, true));
    assertFalse(e.failed(600, OUTLIER, true));
    assertTrue(e.ejected(1_009) && !e.ejected(1_010), "still out until 1,010 and no longer");
  }

  @Test
  void twentySuccessesAfterItsReturnForgiveEarlierEjections() {
    Endpoint e = new Endpoint(new UpstreamSpec.Target("127.0.0.1", 1, 1, "default"));
    long t = 0;
    t += ejectAt(e, t);
    t += ejectAt(e, t); // 2 s: the second in a row
    for (int i = 0; i < 20; i++) {
      e.succeeded();
    }
    assertTrue(ejectAt(e, t) == 1_000, "back to the base ejection time");
  }
}
