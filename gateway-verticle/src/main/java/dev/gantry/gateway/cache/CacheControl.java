package dev.gantry.gateway.cache;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The directives of {@code Cache-Control} field lines (RFC 9111 §5.2): names lower-cased, values
 * unquoted. A directive given twice keeps its first value; a malformed delta-seconds reads as
 * absent for {@link #seconds} — except where the RFC asks a cache to treat it as stale.
 */
final class CacheControl {
  private final Map<String, String> directives;

  private CacheControl(Map<String, String> directives) {
    this.directives = directives;
  }

  static CacheControl parse(List<String> lines) {
    Map<String, String> out = new HashMap<>();
    for (String line : lines) {
      int i = 0;
      int n = line.length();
      while (i < n) {
        while (i < n && (line.charAt(i) == ',' || line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
          i++;
        }
        int start = i;
        while (i < n && line.charAt(i) != '=' && line.charAt(i) != ',') {
          i++;
        }
        String name = line.substring(start, i).trim().toLowerCase(Locale.ROOT);
        String value = null;
        if (i < n && line.charAt(i) == '=') {
          i++;
          if (i < n && line.charAt(i) == '"') {
            int close = line.indexOf('"', i + 1);
            value = close < 0 ? line.substring(i + 1) : line.substring(i + 1, close);
            i = close < 0 ? n : close + 1;
            while (i < n && line.charAt(i) != ',') {
              i++;
            }
          } else {
            int vs = i;
            while (i < n && line.charAt(i) != ',') {
              i++;
            }
            value = line.substring(vs, i).trim();
          }
        }
        if (!name.isEmpty()) {
          out.putIfAbsent(name, value);
        }
      }
    }
    return new CacheControl(out);
  }

  /** The device token Gantry's cache answers to in {@code Surrogate-Control} and {@code Surrogate-Capability}. */
  static final String SURROGATE_TOKEN = "gantry";

  /**
   * The {@code Surrogate-Control} directives meant for this cache (W3C Edge Architecture 1.0):
   * untargeted ones and those targeted {@code ;gantry}; null when no line holds one. They win over
   * {@code Cache-Control} for what this cache stores and for how long.
   */
  static CacheControl surrogate(List<String> lines) {
    List<String> mine = new java.util.ArrayList<>();
    for (String line : lines) {
      for (String item : line.split(",")) {
        int semicolon = item.indexOf(';');
        String directive = (semicolon < 0 ? item : item.substring(0, semicolon)).trim();
        String target = semicolon < 0 ? null : item.substring(semicolon + 1).trim();
        if (!directive.isEmpty() && (target == null || target.equalsIgnoreCase(SURROGATE_TOKEN))) {
          mine.add(directive);
        }
      }
    }
    return mine.isEmpty() ? null : parse(List.of(String.join(",", mine)));
  }

  boolean has(String name) {
    return directives.containsKey(name);
  }

  /** A delta-seconds directive: its value, -1 when absent, {@link Long#MIN_VALUE} when present but malformed. */
  long seconds(String name) {
    if (!directives.containsKey(name)) {
      return -1;
    }
    String value = directives.get(name);
    if (value == null || value.isEmpty() || value.length() > 10 || !value.chars().allMatch(Character::isDigit)) {
      return value != null && !value.isEmpty() && value.chars().allMatch(Character::isDigit)
          ? Integer.MAX_VALUE : Long.MIN_VALUE; // a huge number is taken as 2^31 (RFC 9111 §1.2.2)
    }
    return Math.min(Long.parseLong(value), Integer.MAX_VALUE);
  }
}
