package dev.gantry.gateway.traffic;

import dev.gantry.gateway.spec.SpecReader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One declared limit: at most {@code limit} requests per sliding {@code window}.
 *
 * @param name       what the {@code RateLimit} headers call it; unique within its policy
 * @param windowText the window as written ({@code 1m}), served back as it was
 */
public record Rate(String name, long limit, long windowMillis, String windowText) {
  static final long MAX_LIMIT = 1_000_000_000L;
  private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,8})(ms|s|m|h|d)");
  static final long MAX_WINDOW_MILLIS = 7L * 24 * 3_600_000;

  /** Reads {@code {limit, window, name?}}; {@code defaultName} when no name is given. */
  static Rate read(SpecReader config, String defaultName) {
    long limit = config.integer("limit", -1, 1, MAX_LIMIT);
    if (limit < 0) {
      throw SpecReader.invalid(config.path("limit"), "is required");
    }
    String window = config.string("window");
    long millis = duration(window, config.path("window"));
    if (millis < 1_000 || millis > MAX_WINDOW_MILLIS || millis % 1_000 != 0) {
      // whole seconds: the RateLimit headers speak in seconds
      throw SpecReader.invalid(config.path("window"), "must be whole seconds from 1s to 7d, got " + window);
    }
    String name = config.has("name") ? config.name("name") : defaultName;
    return new Rate(name, limit, millis, window);
  }

  /** {@code 250ms}, {@code 30s}, {@code 1m}, {@code 1h}, {@code 1d} in milliseconds. */
  static long duration(String text, String path) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      throw SpecReader.invalid(path, "must be a duration such as 250ms, 30s, 1m, 1h or 1d, got " + text);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> n;
      case "s" -> n * 1_000;
      case "m" -> n * 60_000;
      case "h" -> n * 3_600_000;
      default -> n * 86_400_000;
    };
  }
}
