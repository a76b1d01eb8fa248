package dev.gantry.gateway.observe;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;

/** The last requests a policy blocked (or, detecting, would have), newest first, for the console. */
public final class RecentBlocks {
  static final int KEEP = 50;
  private final Deque<Block> blocks = new ArrayDeque<>(KEEP);

  /**
   * One block. Texts are already escaped for display.
   *
   * @param enforced false when the policy only detects
   * @param excerpt  the matched part, shortened
   */
  public record Block(long at, boolean enforced, int rule, String attack, String variable, String excerpt, int score,
      String route, String method, String path, String requestId) {}

  public synchronized void add(Block block) {
    if (blocks.size() == KEEP) {
      blocks.removeLast();
    }
    blocks.addFirst(block);
  }

  public synchronized JsonArray list() {
    JsonArray out = new JsonArray();
    for (Block b : blocks) {
      out.add(new JsonObject().put("at", b.at()).put("enforced", b.enforced()).put("rule", b.rule())
          .put("class", b.attack()).put("variable", b.variable()).put("excerpt", b.excerpt()).put("score", b.score())
          .put("route", b.route()).put("method", b.method()).put("path", b.path()).put("requestId", b.requestId()));
    }
    return out;
  }
}
