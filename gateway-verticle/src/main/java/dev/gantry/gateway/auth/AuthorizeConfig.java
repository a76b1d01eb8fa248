package dev.gantry.gateway.auth;

import java.util.List;

/**
 * The {@code authorize} policy's rules: for the first rule whose methods include the request's
 * (an empty list is every method), the principal needs all its scopes (or any one, with
 * {@code any-scope}) and all its roles.
 */
public record AuthorizeConfig(List<Rule> rules, String realm) {
  public AuthorizeConfig {
    rules = List.copyOf(rules);
  }

  /** One rule. */
  public record Rule(List<String> methods, List<String> scopes, List<String> roles, boolean anyScope) {
    public Rule {
      methods = List.copyOf(methods);
      scopes = List.copyOf(scopes);
      roles = List.copyOf(roles);
    }

    boolean covers(String method) {
      return methods.isEmpty() || methods.contains(method);
    }
  }
}
