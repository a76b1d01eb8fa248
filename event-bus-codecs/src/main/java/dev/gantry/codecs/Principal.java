package dev.gantry.codecs;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * Who a request was authenticated as, as the gateway decided it: the subject, the issuer that
 * vouched for it, its scopes and roles, the API consumer when a key was used, and how it was
 * authenticated. It travels in the {@link Envelope} to services (header
 * {@link EnvelopeHeaders#PRINCIPAL_CLAIMS}) and never comes from a client header.
 *
 * @param method how it was authenticated: {@code jwt}, {@code oidc} or {@code api-key}
 */
public record Principal(String subject, String issuer, List<String> scopes, List<String> roles, String consumer,
    String method) {

  public Principal {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(method, "method");
    scopes = List.copyOf(scopes);
    roles = List.copyOf(roles);
  }

  public boolean hasScope(String scope) {
    return scopes.contains(scope);
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("sub", subject).put("method", method)
        .put("scopes", new JsonArray(scopes)).put("roles", new JsonArray(roles));
    if (issuer != null) {
      json.put("iss", issuer);
    }
    if (consumer != null) {
      json.put("consumer", consumer);
    }
    return json;
  }

  /** Reads what {@link #toJson()} wrote; a malformed value is a bad request naming the header. */
  public static Principal fromJson(String text) {
    try {
      JsonObject json = new JsonObject(text);
      return new Principal(json.getString("sub"), json.getString("iss"), strings(json.getJsonArray("scopes")),
          strings(json.getJsonArray("roles")), json.getString("consumer"), json.getString("method"));
    } catch (DecodeException | ClassCastException | NullPointerException e) {
      throw new ServiceException(Failure.BAD_REQUEST, EnvelopeHeaders.PRINCIPAL_CLAIMS + ": not a principal: "
          + e.getMessage());
    }
  }

  private static List<String> strings(JsonArray array) {
    return array == null ? List.of() : array.stream().map(String::valueOf).toList();
  }
}
