package dev.gantry.gateway.auth;

import dev.gantry.gateway.policy.Phase;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.PolicyType;
import dev.gantry.gateway.spec.SpecReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads {@code - authorize: {scopes: [orders:write], roles: [admin], methods: [POST]}}, or several
 * rules as {@code rules: [{methods: [GET], scopes: [orders:read]}, {methods: [POST, PUT], scopes:
 * [orders:write]}]}. A rule without methods covers every method; a method no rule covers needs only
 * an authenticated principal.
 */
public final class AuthorizeType implements PolicyType<AuthorizeConfig> {
  private static final Set<String> RULE_FIELDS = Set.of("scopes", "roles", "methods", "any-scope");
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
      "TRACE", "CONNECT");

  @Override
  public String name() {
    return "authorize";
  }

  @Override
  public Phase phase() {
    return Phase.AUTHORIZE;
  }

  @Override
  public Set<String> fields() {
    Set<String> all = new HashSet<>(RULE_FIELDS);
    all.add("rules");
    all.add("realm");
    return all;
  }

  @Override
  public AuthorizeConfig read(SpecReader config) {
    List<AuthorizeConfig.Rule> rules = new ArrayList<>();
    if (config.has("rules")) {
      for (String field : RULE_FIELDS) {
        if (config.has(field)) {
          throw SpecReader.invalid(config.path(field), "belongs inside rules[] when rules is given");
        }
      }
      List<SpecReader> list = config.objects("rules");
      if (list.isEmpty()) {
        throw SpecReader.invalid(config.path("rules"), "must hold at least one rule");
      }
      for (SpecReader one : list) {
        one.only(RULE_FIELDS);
        rules.add(rule(one));
        one.done();
      }
    } else {
      rules.add(rule(config));
    }
    return new AuthorizeConfig(rules, config.string("realm", "gantry"));
  }

  private static AuthorizeConfig.Rule rule(SpecReader config) {
    List<String> methods = new ArrayList<>();
    List<String> given = config.strings("methods");
    for (int i = 0; i < given.size(); i++) {
      String method = given.get(i).toUpperCase(Locale.ROOT);
      if (!METHODS.contains(method)) {
        throw SpecReader.invalid(config.path("methods") + "[" + i + "]", "not an HTTP method: " + given.get(i));
      }
      methods.add(method);
    }
    return new AuthorizeConfig.Rule(methods, config.strings("scopes"), config.strings("roles"),
        config.bool("any-scope", false));
  }

  @Override
  public Authorize create(AuthorizeConfig config, PolicyRuntime runtime) {
    return new Authorize(config, runtime);
  }
}
