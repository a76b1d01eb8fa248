package dev.gantry.config;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One configuration key: its kebab-case path, type, default and range. The env var and system
 * property names derive from the path, so they cannot drift from it.
 */
record Setting(String key, Kind kind, Object defaultValue, long min, long max, List<String> choices,
    Pattern format, String formatHint, String description) {

  enum Kind { STRING, INT, LIST }

  static Setting string(String key, String def, String description) {
    return new Setting(key, Kind.STRING, def, 0, 0, List.of(), null, null, description);
  }

  /** A string that, when not empty, must match {@code format}. */
  static Setting formatted(String key, String def, String format, String hint, String description) {
    return new Setting(key, Kind.STRING, def, 0, 0, List.of(), Pattern.compile(format), hint,
        description);
  }

  static Setting integer(String key, long def, long min, long max, String description) {
    return new Setting(key, Kind.INT, def, min, max, List.of(), null, null, description);
  }

  static Setting list(String key, List<String> def, List<String> choices, String description) {
    return new Setting(key, Kind.LIST, def, 0, 0, choices, null, null, description);
  }

  String envName() {
    return "GANTRY_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  String propertyName() {
    return "gantry." + key;
  }

  /** Parses a value written as text (env, property, flag or YAML scalar). */
  Object parse(String text, String origin) {
    checkPrintable(text, origin);
    return switch (kind) {
      case STRING -> checkString(text.trim(), origin);
      case INT -> parseInt(text.trim(), origin);
      case LIST -> checkList(text.isBlank() ? List.of()
          : List.of(text.split(",")).stream().map(String::trim).toList(), origin);
    };
  }

  private Object checkString(String text, String origin) {
    if (format != null && !text.isEmpty() && !format.matcher(text).matches()) {
      throw fail("expected " + formatHint + ", got \"" + Secrets.redactUrl(text) + "\"", origin);
    }
    return text;
  }

  Object checkList(List<String> values, String origin) {
    values.forEach(v -> checkPrintable(v, origin));
    if (!choices.isEmpty()) {
      for (String v : values) {
        if (!choices.contains(v)) {
          throw fail("expected a list of " + String.join("|", choices) + ", got \"" + v + "\"", origin);
        }
      }
    }
    return List.copyOf(values);
  }

  /**
   * No value holds a control character: none means anything in a host, URL, token or file name,
   * and a NUL is not even a valid path (the JDK's Path.of throws on it).
   */
  private void checkPrintable(String text, String origin) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7F) {
        throw fail(String.format("control character 0x%02X at position %d", (int) c, i + 1), origin);
      }
    }
  }

  private Object parseInt(String text, String origin) {
    long value;
    try {
      value = Long.parseLong(text.replace("_", ""));
    } catch (NumberFormatException e) {
      throw fail(expectedInt() + ", got \"" + text + "\"", origin);
    }
    if (value < min || value > max) {
      throw fail(expectedInt() + ", got " + value, origin);
    }
    return value;
  }

  private String expectedInt() {
    return "expected an integer from " + min + " to " + max;
  }

  ConfigException fail(String what, String origin) {
    return new ConfigException("config: " + key + ": " + what + " (" + origin + ")");
  }
}
