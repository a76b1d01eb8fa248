package dev.gantry.gateway.waf;

import dev.gantry.gateway.policy.Phase;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.PolicyType;
import dev.gantry.gateway.spec.GatewaySpec;
import dev.gantry.gateway.spec.SpecReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Reads {@code - waf: {paranoia: 1, threshold: 5, mode: block, default-rules: true, rules: [...],
 * exclusions: [...], inspect-body-bytes: 131072}}. The default rule set ships in the jar
 * ({@code gantry/waf-rules.yaml}) and is read by the same reader as a route file's own rules.
 * Bodies are inspected up to 128 KiB by default, as ModSecurity's recommended
 * {@code SecRequestBodyNoFilesLimit}: a large text argument costs about half a CPU-second per
 * MB to inspect, so a higher limit is a route's deliberate choice.
 */
public final class WafType implements PolicyType<WafConfig> {
  static final String DEFAULT_RULES = "gantry/waf-rules.yaml";
  static final int INSPECT_BODY_BYTES = 128 * 1024;
  private static final Set<String> RULE_FIELDS = Set.of("id", "class", "message", "severity", "paranoia",
      "targets", "transforms", "match", "negate", "and");
  private static final Set<String> CONDITION_FIELDS = Set.of("targets", "transforms", "match", "negate");

  /** The default set, read once (a mistake in it fails the first spec that uses the WAF, loudly). */
  private static final class Defaults {
    static final List<WafRule> RULES = readDefaults();
  }

  @Override
  public String name() {
    return "waf";
  }

  @Override
  public Phase phase() {
    return Phase.ACCESS;
  }

  @Override
  public Set<String> fields() {
    return Set.of("paranoia", "threshold", "mode", "default-rules", "rules", "exclusions", "inspect-body-bytes");
  }

  @Override
  public WafConfig read(SpecReader config) {
    int paranoia = (int) config.integer("paranoia", 1, 1, 4);
    int threshold = (int) config.integer("threshold", 5, 1, 1000);
    String mode = config.string("mode", "block");
    if (!mode.equals("block") && !mode.equals("detect")) {
      throw SpecReader.invalid(config.path("mode"), "must be block or detect, not " + mode);
    }
    List<WafRule> rules = new ArrayList<>(config.bool("default-rules", true) ? defaults() : List.of());
    Set<Integer> ids = new HashSet<>();
    rules.forEach(r -> ids.add(r.id()));
    ChainIds chains = new ChainIds(rules);
    for (SpecReader r : config.objects("rules")) {
      WafRule rule = rule(r, chains);
      if (!ids.add(rule.id())) {
        throw SpecReader.invalid(r.path("id"), "rule " + rule.id() + " is already defined (exclude a default"
            + " rule and write yours under another id)");
      }
      rules.add(rule);
    }
    List<Exclusion> exclusions = new ArrayList<>();
    for (SpecReader e : config.objects("exclusions")) {
      exclusions.add(exclusion(e, ids));
    }
    int inspect = (int) config.integer("inspect-body-bytes", INSPECT_BODY_BYTES, 0, 64 << 20);
    return new WafConfig(paranoia, threshold, mode.equals("block"), List.copyOf(rules), List.copyOf(exclusions),
        inspect, config.source().copy());
  }

  @Override
  public Waf create(WafConfig config, PolicyRuntime runtime) {
    return new Waf(config, runtime);
  }

  static List<WafRule> defaults() {
    return Defaults.RULES;
  }

  private static List<WafRule> readDefaults() {
    String yaml;
    try (InputStream in = WafType.class.getClassLoader().getResourceAsStream(DEFAULT_RULES)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULT_RULES + " is missing from the jar");
      }
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Object tree = GatewaySpec.toJsonValue(new Yaml(new LoaderOptions()).load(yaml));
    if (!(tree instanceof JsonObject root) || !(root.getValue("rules") instanceof JsonArray)) {
      throw new IllegalStateException(DEFAULT_RULES + " must hold rules:");
    }
    SpecReader reader = SpecReader.of(root, DEFAULT_RULES);
    ChainIds chains = new ChainIds(List.of());
    List<WafRule> rules = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    for (SpecReader r : reader.objects("rules")) {
      WafRule rule = rule(r, chains);
      if (!ids.add(rule.id())) {
        throw new IllegalStateException(DEFAULT_RULES + ": rule " + rule.id() + " twice");
      }
      rules.add(rule);
    }
    reader.done();
    return List.copyOf(rules);
  }

  /** Numbers distinct transform chains, so that each value is transformed once per chain per request. */
  static final class ChainIds {
    private final Map<List<Transform>, Integer> ids = new LinkedHashMap<>();

    ChainIds(List<WafRule> known) {
      for (WafRule rule : known) {
        for (WafRule.Condition c : rule.conditions()) {
          ids.putIfAbsent(List.of(c.transforms()), c.chain());
        }
      }
    }

    int id(List<Transform> chain) {
      return ids.computeIfAbsent(chain, k -> ids.size());
    }
  }

  private static WafRule rule(SpecReader r, ChainIds chains) {
    r.only(RULE_FIELDS);
    int id = (int) r.integer("id", -1, 1, 999_999_999);
    if (id < 0) {
      throw SpecReader.invalid(r.path("id"), "is required");
    }
    String message = r.string("message");
    String attack = r.string("class", "custom");
    if (!attack.matches("[a-z][a-z0-9-]{0,30}")) {
      throw SpecReader.invalid(r.path("class"), "lower-case letters, digits and '-' only");
    }
    String severity = r.string("severity", "critical");
    if (!WafRule.SEVERITIES.contains(severity)) {
      throw SpecReader.invalid(r.path("severity"), "one of " + String.join(", ", WafRule.SEVERITIES) + ", not "
          + severity);
    }
    int paranoia = (int) r.integer("paranoia", 1, 1, 4);
    List<WafRule.Condition> conditions = new ArrayList<>();
    conditions.add(condition(r, chains));
    for (SpecReader and : r.objects("and")) {
      and.only(CONDITION_FIELDS);
      conditions.add(condition(and, chains));
      and.done();
    }
    r.done();
    return new WafRule(id, message, attack, WafRule.score(severity), paranoia, List.copyOf(conditions));
  }

  private static WafRule.Condition condition(SpecReader r, ChainIds chains) {
    List<String> texts = r.strings("targets");
    if (texts.isEmpty()) {
      throw SpecReader.invalid(r.path("targets"), "is required: where the rule looks, such as [args, headers:user-agent]");
    }
    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      Target t = Target.parse(texts.get(i));
      if (t == null) {
        throw SpecReader.invalid(r.path("targets") + "[" + i + "]", "unknown target " + texts.get(i) + " (one of "
            + String.join(", ", java.util.Arrays.stream(Collection.values()).map(Collection::key).toList())
            + ", optionally :name, or ! before to leave it out)");
      }
      targets.add(t);
    }
    if (targets.stream().allMatch(Target::exclude)) {
      throw SpecReader.invalid(r.path("targets"), "names only fields to leave out");
    }
    List<String> names = r.strings("transforms");
    List<Transform> transforms = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      Transform t = Transform.byKey(names.get(i));
      if (t == null) {
        throw SpecReader.invalid(r.path("transforms") + "[" + i + "]", "unknown transform " + names.get(i) + " (one of "
            + String.join(", ", java.util.Arrays.stream(Transform.values()).map(Transform::key).toList()) + ")");
      }
      transforms.add(t);
    }
    SpecReader match = r.object("match");
    if (match == null) {
      throw SpecReader.invalid(r.path("match"), "is required: the operator, such as {regex: \"...\"}");
    }
    Operator operator = Operator.read(match);
    boolean negate = r.bool("negate", false);
    return new WafRule.Condition(List.copyOf(targets), transforms.toArray(Transform[]::new),
        chains.id(List.copyOf(transforms)), operator, negate);
  }

  private static Exclusion exclusion(SpecReader e, Set<Integer> ids) {
    e.only(Set.of("rule", "target", "routes"));
    Object rule = e.raw("rule");
    int from;
    int to;
    if (rule instanceof Integer id) {
      from = id;
      to = id;
    } else if (rule instanceof String range && range.matches("\\d{1,9}-\\d{1,9}")) {
      from = Integer.parseInt(range.substring(0, range.indexOf('-')));
      to = Integer.parseInt(range.substring(range.indexOf('-') + 1));
    } else {
      throw SpecReader.invalid(e.path("rule"), "a rule id (942100) or a range of ids (\"942000-942999\") is required");
    }
    if (ids.stream().noneMatch(id -> id >= from && id <= to)) {
      throw SpecReader.invalid(e.path("rule"), "no rule has " + (from == to ? "id " + from : "an id in " + rule));
    }
    Target target = null;
    if (e.has("target")) {
      target = Target.parse(e.string("target"));
      if (target == null || target.exclude()) {
        throw SpecReader.invalid(e.path("target"), "a field such as args:comment or headers:referer");
      }
    }
    Set<String> routes = Set.copyOf(e.strings("routes"));
    e.done();
    return new Exclusion(from, to, target, routes);
  }
}
