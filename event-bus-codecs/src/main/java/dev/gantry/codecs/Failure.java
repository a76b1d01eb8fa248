package dev.gantry.codecs;

import io.vertx.core.json.JsonObject;

/**
 * The one error model. Each failure has an event-bus failure code, equal to the HTTP status it
 * maps to, and a stable RFC 9457 problem type. Codes and types never change meaning.
 */
public enum Failure {
  BAD_REQUEST(400, "bad-request", "Bad request"),
  UNAUTHORIZED(401, "unauthorized", "Unauthorized"),
  FORBIDDEN(403, "forbidden", "Forbidden"),
  NOT_FOUND(404, "not-found", "Not found"),
  METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
  REQUEST_TIMEOUT(408, "request-timeout", "Request timeout"),
  CONFLICT(409, "conflict", "Conflict"),
  LENGTH_REQUIRED(411, "length-required", "Length required"),
  PAYLOAD_TOO_LARGE(413, "payload-too-large", "Payload too large"),
  URI_TOO_LONG(414, "uri-too-long", "URI too long"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
  UNPROCESSABLE(422, "unprocessable", "Unprocessable content"),
  TOO_MANY_REQUESTS(429, "too-many-requests", "Too many requests"),
  HEADERS_TOO_LARGE(431, "headers-too-large", "Request header fields too large"),
  INTERNAL(500, "internal", "Internal error"),
  NOT_IMPLEMENTED(501, "not-implemented", "Not implemented"),
  HTTP_VERSION_NOT_SUPPORTED(505, "http-version-not-supported", "HTTP version not supported"),
  BAD_GATEWAY(502, "bad-gateway", "Bad gateway"),
  UNAVAILABLE(503, "unavailable", "Service unavailable"),
  TIMEOUT(504, "timeout", "Gateway timeout");

  public static final String TYPE_BASE = "https://gantry.dev/problems/";

  private final int code;
  private final String slug;
  private final String title;

  Failure(int code, String slug, String title) {
    this.code = code;
    this.slug = slug;
    this.title = title;
  }

  /** The event-bus failure code, and the HTTP status. */
  public int code() {
    return code;
  }

  public int httpStatus() {
    return code;
  }

  public String type() {
    return TYPE_BASE + slug;
  }

  public String title() {
    return title;
  }

  /** The failure for an event-bus failure code or HTTP status; unknown codes are internal. */
  public static Failure ofCode(int code) {
    for (Failure f : values()) {
      if (f.code == code) {
        return f;
      }
    }
    return code >= 400 && code < 500 ? BAD_REQUEST : INTERNAL;
  }

  /** An RFC 9457 problem body. */
  public JsonObject problem(String detail, String instance) {
    JsonObject body = new JsonObject().put("type", type()).put("title", title).put("status", code);
    if (detail != null) {
      body.put("detail", detail);
    }
    if (instance != null) {
      body.put("instance", instance);
    }
    return body;
  }
}
