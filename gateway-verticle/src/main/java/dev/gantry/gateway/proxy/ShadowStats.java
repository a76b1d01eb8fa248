package dev.gantry.gateway.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts shadow copies of one route and how their responses differ from the primary's: status,
 * and body — as JSON without the ignored fields (at any depth) when both are JSON, else bytes.
 * Counted from every event loop of the gateway, under the object's lock.
 */
public final class ShadowStats {
  private static final Logger LOG = LoggerFactory.getLogger(ShadowStats.class);
  private final String routeId;
  private long copies;
  private long compared;
  private long statusDifferences;
  private long bodyDifferences;
  private long errors;

  ShadowStats(String routeId) {
    this.routeId = routeId;
  }

  synchronized void copied() {
    copies++;
  }

  synchronized void failed(Throwable e) {
    errors++;
    LOG.debug("shadow copy of route {} failed: {}", routeId, e.toString());
  }

  void compare(int primaryStatus, Buffer primaryBody, int shadowStatus, Buffer shadowBody, List<String> ignore) {
    boolean statusDiffers = primaryStatus != shadowStatus;
    boolean bodyDiffers = !statusDiffers && !sameBody(primaryBody, shadowBody, ignore); // outside the lock
    synchronized (this) {
      compared++;
      statusDifferences += statusDiffers ? 1 : 0;
      bodyDifferences += bodyDiffers ? 1 : 0;
    }
    if (statusDiffers) {
      LOG.info("shadow of route {} differs: status {} vs shadow {}", routeId, primaryStatus, shadowStatus);
    } else if (bodyDiffers) {
      LOG.info("shadow of route {} differs in body (status {})", routeId, primaryStatus);
    }
  }

  static boolean sameBody(Buffer a, Buffer b, List<String> ignore) {
    try {
      Object ja = strip(a.toJsonValue(), ignore);
      Object jb = strip(b.toJsonValue(), ignore);
      return ja == null ? jb == null : ja.equals(jb);
    } catch (DecodeException e) {
      return a.equals(b);
    }
  }

  private static Object strip(Object json, List<String> ignore) {
    if (json instanceof JsonObject o) {
      JsonObject copy = new JsonObject();
      for (Map.Entry<String, Object> e : o) {
        if (!ignore.contains(e.getKey())) {
          copy.put(e.getKey(), strip(e.getValue(), ignore));
        }
      }
      return copy;
    }
    if (json instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      array.forEach(v -> copy.add(strip(v, ignore)));
      return copy;
    }
    return json;
  }

  public synchronized JsonObject toJson() {
    return new JsonObject().put("copies", copies).put("compared", compared)
        .put("statusDifferences", statusDifferences).put("bodyDifferences", bodyDifferences)
        .put("errors", errors);
  }
}
