package dev.gantry.analytics.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SQL model file, dbt style: a SELECT with {@code {{ config(materialized='table'|'view'|
 * 'incremental', unique_key='a,b') }}}, dependencies written {@code {{ ref('name') }}},
 * {@code {{ this }}} for the model's own table, {@code {{ since_seq }}} for the arrival number
 * ({@code seq}) of the last raw event its previous build covered, and {@code {% if is_incremental() %} … {% endif %}} around what
 * only an incremental run keeps. Anything else between braces is refused when the file is read.
 */
public record Model(String name, Materialized materialized, List<String> uniqueKey, Set<String> refs, String template) {
  public enum Materialized { TABLE, VIEW, INCREMENTAL }

  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  private static final Pattern CONFIG = Pattern.compile("\\{\\{\\s*config\\(([^)]*)\\)\\s*}}");
  private static final Pattern ARG = Pattern.compile("\\s*([a-z_]+)\\s*=\\s*'([^']*)'\\s*");
  private static final Pattern REF = Pattern.compile("\\{\\{\\s*ref\\('([^']*)'\\)\\s*}}");
  private static final Pattern EXPRESSION = Pattern.compile("\\{\\{(.*?)}}|\\{%(.*?)%}", Pattern.DOTALL);
  private static final Pattern INCREMENTAL = Pattern.compile(
      "\\{%\\s*if\\s+is_incremental\\(\\)\\s*%}(.*?)\\{%\\s*endif\\s*%}", Pattern.DOTALL);

  public Model {
    uniqueKey = List.copyOf(uniqueKey);
    refs = Set.copyOf(refs);
  }

  /** Reads a model file; a mistake is an {@link IllegalArgumentException} naming the file and what is wrong. */
  public static Model parse(String name, String text) {
    String where = "model " + name + ": ";
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(where + "a model name is a lower-case word (letters, digits, _)");
    }
    Map<String, String> config = new LinkedHashMap<>();
    Matcher c = CONFIG.matcher(text);
    if (c.find()) {
      for (String arg : c.group(1).split(",(?=\\s*[a-z_]+\\s*=)")) {
        Matcher a = ARG.matcher(arg);
        if (!a.matches()) {
          throw new IllegalArgumentException(where + "config: expected key='value', got " + arg.trim());
        }
        config.put(a.group(1), a.group(2));
      }
      text = text.substring(0, c.start()) + text.substring(c.end());
    }
    for (String key : config.keySet()) {
      if (!key.equals("materialized") && !key.equals("unique_key")) {
        throw new IllegalArgumentException(where + "config: unknown key " + key + " (known: materialized, unique_key)");
      }
    }
    Materialized m = switch (config.getOrDefault("materialized", "table")) {
      case "table" -> Materialized.TABLE;
      case "view" -> Materialized.VIEW;
      case "incremental" -> Materialized.INCREMENTAL;
      default -> throw new IllegalArgumentException(where + "config: materialized must be table, view or incremental, got "
          + config.get("materialized"));
    };
    List<String> key = new ArrayList<>();
    for (String k : config.getOrDefault("unique_key", "").split(",")) {
      if (!k.isBlank()) {
        key.add(k.trim());
      }
    }
    if (m == Materialized.INCREMENTAL && key.isEmpty()) {
      throw new IllegalArgumentException(where + "an incremental model needs unique_key");
    }
    Set<String> refs = new LinkedHashSet<>();
    Matcher r = REF.matcher(text);
    while (r.find()) {
      if (!NAME.matcher(r.group(1)).matches()) {
        throw new IllegalArgumentException(where + "ref('" + r.group(1) + "'): not a model name");
      }
      refs.add(r.group(1));
    }
    Matcher e = EXPRESSION.matcher(INCREMENTAL.matcher(REF.matcher(text).replaceAll("")).replaceAll(
        mr -> Matcher.quoteReplacement(mr.group(1))));
    while (e.find()) {
      String expr = (e.group(1) != null ? e.group(1) : e.group(2)).trim();
      if (!expr.equals("this") && !expr.equals("since_seq")) {
        throw new IllegalArgumentException(where + "unknown template expression " + e.group().trim());
      }
    }
    return new Model(name, m, key, refs, text.strip());
  }

  /**
   * The SQL for one run: {@code incremental} keeps the is_incremental() blocks; {@code since} is
   * the last raw event {@code seq} the previous build covered.
   */
  public String render(boolean incremental, long since) {
    String sql = INCREMENTAL.matcher(template).replaceAll(mr -> incremental ? Matcher.quoteReplacement(mr.group(1)) : "");
    sql = REF.matcher(sql).replaceAll(mr -> Matcher.quoteReplacement("\"" + mr.group(1) + "\""));
    sql = sql.replaceAll("\\{\\{\\s*this\\s*}}", Matcher.quoteReplacement("\"" + name + "\""));
    return sql.replaceAll("\\{\\{\\s*since_seq\\s*}}", Long.toString(since));
  }
}
