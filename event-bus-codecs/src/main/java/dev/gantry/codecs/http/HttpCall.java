package dev.gantry.codecs.http;

import dev.gantry.codecs.JsonFields;
import dev.gantry.codecs.WireRecord;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP request for a service: method, path (after the route's rewrite), raw query, headers
 * (one value each; repeated headers joined with ", ") and body.
 */
public record HttpCall(String method, String path, String query, Map<String, String> headers, Buffer body)
    implements WireRecord {

  public HttpCall {
    headers = Map.copyOf(headers);
    body = body == null ? Buffer.buffer() : body;
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("method", method).put("path", path).put("query", query)
        .put("headers", new JsonObject(new LinkedHashMap<>(headers)))
        .put("body", Base64.getEncoder().encodeToString(body.getBytes()));
  }

  public static HttpCall fromJson(JsonObject json) {
    return new HttpCall(JsonFields.requireString(json, "method", "method"),
        JsonFields.requireString(json, "path", "path"),
        JsonFields.optionalString(json, "query", "query"), JsonFields.optionalStringMap(json, "headers", "headers"),
        Buffer.buffer(JsonFields.optionalBase64(json, "body", "body")));
  }

  /** A query parameter's first value, or null (no percent-decoding beyond '+' and %XX). */
  public String param(String name) {
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (key.equals(name)) {
        return eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
