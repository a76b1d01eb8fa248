package dev.gantry.gateway.policy;

import dev.gantry.codecs.Envelope;
import io.vertx.core.http.HttpServerRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One request on the path, as policies see it: the request (its path already normalised by the
 * edge), the route it matched (null before matching), its envelope, and the decisions policies
 * note for the access log (a WAF rule id, a limit that was hit).
 */
public final class RouteExchange {
  /** Routing-context key under which the request's exchange is kept (its decisions go to the access log). */
  public static final String KEY = "gantry.exchange";
  private final HttpServerRequest request;
  private String routeId;
  private final Envelope envelope;
  private Map<String, String> decisions;

  public RouteExchange(HttpServerRequest request, String routeId, Envelope envelope) {
    this.request = request;
    this.routeId = routeId;
    this.envelope = envelope;
  }

  /** Notes the route the request matched (gateway-wide policies ran before there was one). */
  public void matched(String routeId) {
    this.routeId = routeId;
  }

  public HttpServerRequest request() {
    return request;
  }

  /** The matched route's id, or null for gateway-wide policies. */
  public String routeId() {
    return routeId;
  }

  public Envelope envelope() {
    return envelope;
  }

  /** Notes a policy's decision, such as {@code limit=max-headers}, for the access log. */
  public void decide(String key, String value) {
    if (decisions == null) {
      decisions = new LinkedHashMap<>(4);
    }
    decisions.put(key, value);
  }

  public Map<String, String> decisions() {
    return decisions == null ? Map.of() : decisions;
  }
}
