package dev.gantry.codecs.http;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.JsonFields;
import dev.gantry.codecs.WireRecord;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** A service's HTTP answer to an {@link HttpCall}. */
public record HttpReply(int status, Map<String, String> headers, Buffer body) implements WireRecord {
  public HttpReply {
    headers = Map.copyOf(headers);
    body = body == null ? Buffer.buffer() : body;
  }

  public static HttpReply json(int status, JsonObject body) {
    return new HttpReply(status, Map.of("Content-Type", "application/json"), body.toBuffer());
  }

  /** A problem+json answer in the one error model. */
  public static HttpReply problem(Failure failure, String detail, String instance) {
    return new HttpReply(failure.httpStatus(), Map.of("Content-Type", "application/problem+json"),
        failure.problem(detail, instance).toBuffer());
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("status", status).put("headers", new JsonObject(new LinkedHashMap<>(headers)))
        .put("body", Base64.getEncoder().encodeToString(body.getBytes()));
  }

  public static HttpReply fromJson(JsonObject json) {
    return new HttpReply(JsonFields.requireInt(json, "status", "status"),
        JsonFields.optionalStringMap(json, "headers", "headers"),
        Buffer.buffer(JsonFields.optionalBase64(json, "body", "body")));
  }
}
