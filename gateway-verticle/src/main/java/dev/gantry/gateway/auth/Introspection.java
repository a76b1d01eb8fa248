package dev.gantry.gateway.auth;

import dev.gantry.gateway.security.Sha256;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RFC 7662 token introspection at the endpoint the discovery document names, authenticated with
 * the gateway's client id and secret. Answers are cached by the token's SHA-256 (never the token
 * itself) for at most {@code cache-seconds} and never past the token's {@code exp}; an inactive
 * answer for a few seconds, so a flood of one bad token costs one call.
 */
final class Introspection {
  static final long INACTIVE_CACHE_MILLIS = 5_000;
  static final int MAX_CACHED = 50_000;
  static final int MAX_ANSWER_BYTES = 256 * 1024;
  static final long DEADLINE_MILLIS = 5_000;
  private final OidcType.Config config;
  private final HttpClient client;
  private final io.vertx.core.Vertx vertx;
  private final Map<String, Answer> cache = new ConcurrentHashMap<>();
  private volatile Future<String> endpoint;

  private record Answer(Future<JsonObject> claims, long until) {}

  /** The token was refused (inactive, expired, wrong audience). */
  static final class Inactive extends RuntimeException {
    Inactive(String message) {
      super(message, null, false, false);
    }
  }

  Introspection(OidcType.Config config, io.vertx.core.Vertx vertx, HttpClient client) {
    this.config = config;
    this.vertx = vertx;
    this.client = client;
  }

  Future<JsonObject> check(String token) {
    String key = sha256(token);
    long now = System.currentTimeMillis();
    Answer held = cache.get(key);
    if (held != null && now < held.until()) {
      return held.claims();
    }
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    Future<JsonObject> asked = endpoint().compose(url -> post(url, token)).compose(this::judge);
    cache.put(key, new Answer(asked, now + INACTIVE_CACHE_MILLIS));
    return asked.andThen(ar -> {
      if (ar.succeeded()) {
        Long exp = ar.result().getLong("exp");
        long until = Math.min(System.currentTimeMillis() + config.cacheSeconds() * 1000L,
            exp == null ? Long.MAX_VALUE : exp * 1000);
        cache.put(key, new Answer(asked, until));
      } else if (ar.cause() instanceof OidcPolicy.Provider.Unavailable) {
        cache.remove(key); // the provider was down, not the token bad: ask again next time
      }
    });
  }

  private Future<JsonObject> judge(JsonObject answer) {
    if (!answer.getBoolean("active", false)) {
      return Future.failedFuture(new Inactive("inactive"));
    }
    Long exp = answer.getLong("exp");
    if (exp != null && exp * 1000 + config.leewaySeconds() * 1000L <= System.currentTimeMillis()) {
      return Future.failedFuture(new Inactive("expired"));
    }
    if (answer.getString("sub") == null || answer.getString("sub").isBlank()) {
      return Future.failedFuture(new Inactive("no subject"));
    }
    if (!config.audiences().isEmpty()) {
      Object aud = answer.getValue("aud");
      boolean ok = aud instanceof String s ? config.audiences().contains(s)
          : aud instanceof io.vertx.core.json.JsonArray list && list.stream().anyMatch(config.audiences()::contains);
      if (!ok) {
        return Future.failedFuture(new Inactive("audience"));
      }
    }
    return Future.succeededFuture(answer);
  }

  private Future<String> endpoint() {
    Future<String> current = endpoint;
    if (current == null || current.failed()) {
      current = get(config.issuer() + "/.well-known/openid-configuration").map(doc -> {
        String url = doc.getString("introspection_endpoint");
        if (url == null) {
          throw new OidcPolicy.Provider.Unavailable("the discovery document names no introspection_endpoint");
        }
        return url;
      });
      endpoint = current;
    }
    return current;
  }

  private Future<JsonObject> get(String url) {
    return json(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url), null, url);
  }

  private Future<JsonObject> post(String url, String token) {
    String basic = Base64.getEncoder().encodeToString((form(config.clientId()) + ":" + form(config.clientSecret()))
        .getBytes(StandardCharsets.UTF_8));
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("Authorization", "Basic " + basic)
        .set("Content-Type", "application/x-www-form-urlencoded").set("Accept", "application/json");
    Buffer body = Buffer.buffer("token=" + form(token) + "&token_type_hint=access_token");
    return json(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setHeaders(headers), body,
        "introspection");
  }

  /** A JSON answer of the provider; anything else (down, slow, huge, not 200, not JSON) is {@code Unavailable}. */
  private Future<JsonObject> json(RequestOptions options, Buffer body, String what) {
    return BoundedCall.send(vertx, client, options.setFollowRedirects(false), body, MAX_ANSWER_BYTES, DEADLINE_MILLIS)
        .map(answer -> {
          if (answer.status() != 200) {
            throw new OidcPolicy.Provider.Unavailable(what + " answered " + answer.status());
          }
          return new JsonObject(answer.body());
        })
        .recover(e -> Future.failedFuture(e instanceof OidcPolicy.Provider.Unavailable ? e
            : new OidcPolicy.Provider.Unavailable(what + ": " + e.getMessage())));
  }

  private static String form(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String sha256(String token) {
    return Sha256.hex(token);
  }
}
