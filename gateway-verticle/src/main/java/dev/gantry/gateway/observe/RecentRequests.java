package dev.gantry.gateway.observe;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;

/** The last requests that did not succeed (status 400 and above), newest first, for the console. */
public final class RecentRequests {
  static final int KEEP = 50;
  private final Deque<JsonObject> failures = new ArrayDeque<>(KEEP);

  synchronized void failed(String method, String path, String route, int status, String requestId) {
    if (failures.size() == KEEP) {
      failures.removeLast();
    }
    failures.addFirst(new JsonObject().put("at", System.currentTimeMillis()).put("method", method)
        .put("path", path).put("route", route).put("status", status).put("requestId", requestId));
  }

  public synchronized JsonArray failures() {
    JsonArray out = new JsonArray();
    failures.forEach(out::add);
    return out;
  }
}
