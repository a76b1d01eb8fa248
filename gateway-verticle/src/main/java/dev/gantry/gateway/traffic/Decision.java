package dev.gantry.gateway.traffic;

import java.util.List;

/**
 * What a {@link Limiter} decided for one request: whether it was admitted, and where each of its
 * windows stands. The single figures (limit, remaining, reset) are the tightest window's.
 */
public record Decision(boolean allowed, List<Standing> windows) {
  public Decision {
    windows = List.copyOf(windows);
  }

  /**
   * One window after the decision.
   *
   * @param remaining         requests it still admits now
   * @param resetSeconds      seconds until its current window ends
   * @param retryAfterSeconds when it refused: seconds until a request would fit again; else 0
   */
  public record Standing(Window window, long remaining, long resetSeconds, long retryAfterSeconds) {}

  /** The window with the fewest requests left. */
  public Standing tightest() {
    Standing tightest = windows.get(0);
    for (Standing s : windows) {
      if (s.remaining() < tightest.remaining()) {
        tightest = s;
      }
    }
    return tightest;
  }

  public long limit() {
    return tightest().window().limit();
  }

  public long remaining() {
    return tightest().remaining();
  }

  public long resetSeconds() {
    return tightest().resetSeconds();
  }

  /** Seconds until every window that refused admits again (0 when admitted). */
  public long retryAfterSeconds() {
    return windows.stream().mapToLong(Standing::retryAfterSeconds).max().orElse(0);
  }
}
