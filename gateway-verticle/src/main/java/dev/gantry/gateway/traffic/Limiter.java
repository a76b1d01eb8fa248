package dev.gantry.gateway.traffic;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where limit counters live. One decision checks every window of a request at once and counts the
 * request in all of them only when all admit it: a refused request costs nothing, so a client
 * that keeps knocking while refused is not locked out longer, and a request refused by one window
 * never uses up another.
 */
public interface Limiter {
  /**
   * Decides one request.
   *
   * @param subject whose counters these are (route, limit kind and client, already safe to use in
   *                a store key); every window of one decision belongs to one subject
   * @param windows the limits to check, each with its counter's key
   * @return the decision; a failed future when the store could not decide (unreachable, too slow)
   */
  Future<Decision> acquire(String subject, List<Window> windows);
}
