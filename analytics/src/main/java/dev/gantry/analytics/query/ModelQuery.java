package dev.gantry.analytics.query;

import dev.gantry.analytics.warehouse.Warehouse;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A read of one model from query parameters, never from SQL: {@code column=value} (equals),
 * {@code column.gte}, {@code .gt}, {@code .lte}, {@code .lt}, {@code .ne}; {@code order=column} or
 * {@code -column}; {@code limit} (1 to {@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}). Column
 * names must be the model's own (they are quoted from the catalog, not from the request); values
 * must parse as the column's type and travel as bound parameters. Any mistake is a 400 naming it.
 */
public record ModelQuery(String model, String sql, List<Object> parameters, int limit) {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 10_000;
  static final int MAX_VALUE_LENGTH = 1_000;
  static final int MAX_PARAMETERS = 32;
  private static final Map<String, String> OPERATORS = Map.of("eq", "=", "ne", "<>", "gt", ">", "gte", ">=",
      "lt", "<", "lte", "<=");

  /** Builds the query for {@code model}, whose columns (name to DuckDB type) are {@code columns}. */
  public static ModelQuery parse(String model, Map<String, String> columns, String rawQuery) {
    List<String> where = new ArrayList<>();
    List<Object> parameters = new ArrayList<>();
    int limit = DEFAULT_LIMIT;
    String order = null;
    Map<String, String> params = params(rawQuery);
    if (params.size() > MAX_PARAMETERS) {
      throw bad("query: at most " + MAX_PARAMETERS + " parameters, got " + params.size());
    }
    for (Map.Entry<String, String> p : params.entrySet()) {
      String name = p.getKey();
      String value = p.getValue();
      if (value.length() > MAX_VALUE_LENGTH) {
        throw bad(name + ": at most " + MAX_VALUE_LENGTH + " characters");
      }
      if (name.equals("limit")) {
        limit = limit(value);
        continue;
      }
      if (name.equals("order")) {
        String column = value.startsWith("-") ? value.substring(1) : value;
        requireColumn(model, columns, column, "order");
        order = Warehouse.quote(column) + (value.startsWith("-") ? " DESC" : " ASC");
        continue;
      }
      int dot = name.lastIndexOf('.');
      String column = dot < 0 ? name : name.substring(0, dot);
      String op = dot < 0 ? "eq" : name.substring(dot + 1);
      requireColumn(model, columns, column, "filter " + name);
      String sqlOp = OPERATORS.get(op);
      if (sqlOp == null) {
        throw bad("filter " + name + ": unknown operator " + op + " (known: eq, ne, gt, gte, lt, lte)");
      }
      String type = columns.get(column);
      where.add(Warehouse.quote(column) + " " + sqlOp + " " + placeholder(type));
      parameters.add(value(name, type, value));
    }
    String sql = "SELECT * FROM " + Warehouse.quote(model)
        + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
        + " ORDER BY " + (order != null ? order + ", " : "")
        + columns.keySet().stream().map(Warehouse::quote).collect(Collectors.joining(", "))
        + " LIMIT " + limit;
    return new ModelQuery(model, sql, List.copyOf(parameters), limit);
  }

  private static void requireColumn(String model, Map<String, String> columns, String column, String what) {
    if (!columns.containsKey(column)) {
      throw bad(what + ": model " + model + " has no column " + quoteForMessage(column) + " (columns: "
          + String.join(", ", columns.keySet()) + "; parameters: limit, order)");
    }
  }

  private static int limit(String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad("limit: must be an integer from 1 to " + MAX_LIMIT + ", got " + quoteForMessage(value));
  }

  /** Dates and timestamps are bound as text and cast by DuckDB, after Java checked their form. */
  private static String placeholder(String type) {
    return switch (kind(type)) {
      case "date" -> "CAST(? AS DATE)";
      case "timestamp" -> "CAST(? AS TIMESTAMP)";
      case "decimal" -> "CAST(? AS DOUBLE)";
      default -> "?";
    };
  }

  private static Object value(String name, String type, String value) {
    try {
      return switch (kind(type)) {
        case "integer" -> Long.parseLong(value);
        case "decimal" -> new BigDecimal(value).toPlainString();
        case "date" -> LocalDate.parse(value).toString();
        case "timestamp" -> value.endsWith("Z") ? LocalDateTime.ofInstant(Instant.parse(value), java.time.ZoneOffset.UTC).toString()
            : LocalDateTime.parse(value).toString();
        case "boolean" -> switch (value) {
          case "true" -> Boolean.TRUE;
          case "false" -> Boolean.FALSE;
          default -> throw new IllegalArgumentException();
        };
        default -> value;
      };
    } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException e) {
      throw bad(name + ": expected " + switch (kind(type)) {
        case "integer" -> "an integer";
        case "decimal" -> "a number";
        case "date" -> "a date (2026-11-26)";
        case "timestamp" -> "a timestamp (2026-11-26T10:15:30 or …Z)";
        case "boolean" -> "true or false";
        default -> "text";
      } + ", got " + quoteForMessage(value));
    }
  }

  static String kind(String type) {
    String t = type.toUpperCase(Locale.ROOT);
    if (t.equals("BIGINT") || t.equals("INTEGER") || t.equals("SMALLINT") || t.equals("TINYINT")
        || t.equals("HUGEINT") || t.startsWith("UBIGINT") || t.startsWith("UINTEGER")) {
      return "integer";
    }
    if (t.equals("DOUBLE") || t.equals("FLOAT") || t.equals("REAL") || t.startsWith("DECIMAL")) {
      return "decimal";
    }
    if (t.equals("DATE")) {
      return "date";
    }
    if (t.startsWith("TIMESTAMP")) {
      return "timestamp";
    }
    if (t.equals("BOOLEAN")) {
      return "boolean";
    }
    return "text";
  }

  /** Parameters in order; a name given twice is refused (which value was meant is unclear). */
  static Map<String, String> params(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name;
      String value;
      try {
        name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw bad("query: malformed percent-encoding in " + quoteForMessage(pair));
      }
      if (params.put(name, value) != null) {
        throw bad(quoteForMessage(name) + ": given twice");
      }
    }
    return params;
  }

  /** Request text in an error: bounded, control characters shown as \\xNN. */
  static String quoteForMessage(String text) {
    String bounded = text.length() > 80 ? text.substring(0, 80) + "…" : text;
    StringBuilder out = new StringBuilder("\"");
    for (char c : bounded.toCharArray()) {
      out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
    }
    return out.append('"').toString();
  }

  private static ServiceException bad(String detail) {
    return new ServiceException(Failure.BAD_REQUEST, detail);
  }
}
