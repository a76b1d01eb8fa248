package dev.gantry.gateway.graphql;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import io.vertx.core.MultiMap;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A GraphQL-over-HTTP request's parameters: from a POST's JSON body or a GET's query string.
 * Anything of the wrong shape is the client's error (400), named.
 */
record GraphqlRequest(String query, String operationName, Map<String, Object> variables, JsonObject extensions) {
  GraphqlRequest {
    persistedHash(extensions); // a malformed persisted query is refused with the rest of the request's shape
  }

  static GraphqlRequest fromJson(JsonObject json) {
    return new GraphqlRequest(string(json.getValue("query"), "query"), string(json.getValue("operationName"), "operationName"),
        object(json.getValue("variables"), "variables"), extensions(json.getValue("extensions")));
  }

  static GraphqlRequest fromBody(String body) {
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(body);
    } catch (DecodeException e) {
      throw bad("body: not JSON");
    }
    if (!(parsed instanceof JsonObject json)) {
      throw bad("body: must be a JSON object with a query");
    }
    return fromJson(json);
  }

  static GraphqlRequest fromParams(MultiMap params) {
    for (String name : new String[] {"query", "operationName", "variables", "extensions"}) {
      if (params.getAll(name).size() > 1) {
        throw bad(name + ": given more than once");
      }
    }
    return new GraphqlRequest(params.get("query"), params.get("operationName"),
        object(decode(params.get("variables"), "variables"), "variables"),
        extensions(decode(params.get("extensions"), "extensions")));
  }

  private static Object decode(String text, String name) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return io.vertx.core.json.Json.decodeValue(text);
    } catch (DecodeException e) {
      throw bad(name + ": not JSON");
    }
  }

  private static String string(Object value, String name) {
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw bad(name + ": must be a string");
  }

  private static Map<String, Object> object(Object value, String name) {
    if (value == null) {
      return Map.of();
    }
    if (value instanceof JsonObject json) {
      Object plain = Plain.of(json);
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) plain;
      return map;
    }
    throw bad(name + ": must be an object");
  }

  private static JsonObject extensions(Object value) {
    if (value == null) {
      return new JsonObject();
    }
    if (value instanceof JsonObject json) {
      return json;
    }
    throw bad("extensions: must be an object");
  }

  /** The APQ hash the request names ({@code extensions.persistedQuery.sha256Hash}), or null. */
  String persistedHash() {
    return persistedHash(extensions);
  }

  private static String persistedHash(JsonObject extensions) {
    Object pq = extensions.getValue("persistedQuery");
    if (pq == null) {
      return null;
    }
    if (!(pq instanceof JsonObject p) || !Integer.valueOf(1).equals(p.getValue("version"))
        || !(p.getValue("sha256Hash") instanceof String hash) || !hash.matches("[0-9a-f]{64}")) {
      throw bad("extensions.persistedQuery: must be {\"version\": 1, \"sha256Hash\": 64 lower-case hex digits}");
    }
    return hash;
  }

  GraphqlRequest withQuery(String text) {
    return new GraphqlRequest(text, operationName, variables, extensions);
  }

  static ServiceException bad(String detail) {
    return new ServiceException(Failure.BAD_REQUEST, detail);
  }
}
