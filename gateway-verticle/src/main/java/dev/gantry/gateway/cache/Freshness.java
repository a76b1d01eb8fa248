package dev.gantry.gateway.cache;

import io.vertx.core.MultiMap;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/**
 * RFC 9111's arithmetic for a shared cache: whether a response may be stored (§3), its freshness
 * lifetime (§4.2.1: {@code s-maxage}, then {@code max-age}, then {@code Expires − Date}; no
 * heuristics unless a default is configured), and its current age (§4.2.3).
 */
final class Freshness {
  /** Statuses a cache understands; the first set may take a configured default lifetime (§4.2.2). */
  static final Set<Integer> HEURISTIC = Set.of(200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501);
  static final Set<Integer> UNDERSTOOD = Set.of(200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 501);

  private Freshness() {}

  /**
   * Seconds the response is fresh for; 0 when it states it is stale already; -1 when it states
   * nothing. A {@code Surrogate-Control: max-age} meant for this cache comes first.
   */
  static long lifetime(MultiMap headers, CacheControl cc) {
    CacheControl surrogate = CacheControl.surrogate(headers.getAll("Surrogate-Control"));
    long forUs = surrogate == null ? -1 : surrogate.seconds("max-age");
    if (forUs != -1) {
      return Math.max(0, forUs); // Surrogate-Control's max-age is this cache's, whatever Cache-Control says
    }
    long shared = cc.seconds("s-maxage");
    if (shared != -1) {
      return Math.max(0, shared);
    }
    long maxAge = cc.seconds("max-age");
    if (maxAge != -1) {
      return Math.max(0, maxAge);
    }
    String expires = headers.get("Expires");
    if (expires != null) {
      long at = httpDate(expires);
      if (at < 0) {
        return 0; // an invalid Expires means already expired (§5.3)
      }
      long date = httpDate(headers.get("Date"));
      return Math.max(0, (at - (date < 0 ? System.currentTimeMillis() : date)) / 1000);
    }
    return -1;
  }

  /** The entry's current age in seconds (§4.2.3). */
  static long age(Entry entry, long now) {
    long date = httpDate(entry.headers().get("Date"));
    long apparent = date < 0 ? 0 : Math.max(0, (entry.responseTime() - date) / 1000);
    long ageValue = ageValue(entry.headers().getAll("Age"));
    long delay = Math.max(0, (entry.responseTime() - entry.requestTime()) / 1000);
    long initial = Math.max(apparent, ageValue + delay);
    return initial + Math.max(0, (now - entry.responseTime()) / 1000);
  }

  /**
   * The {@code Age} the response came with (§5.1): absent is 0; one value of digits is its
   * seconds (a huge one counts as very old); anything else — a sign, a fraction, a parameter, a
   * list, two fields — cannot be trusted, and the response is taken as stale.
   */
  static long ageValue(List<String> values) {
    if (values.isEmpty()) {
      return 0;
    }
    String age = values.size() == 1 ? values.get(0).trim() : "";
    if (age.isEmpty() || !age.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return STALE_AGE;
    }
    return age.length() > 10 ? STALE_AGE : Math.min(STALE_AGE, Long.parseLong(age));
  }

  /** What an untrustworthy or huge Age counts as: older than any lifetime a response can state (and no overflow). */
  static final long STALE_AGE = Long.MAX_VALUE / 4;

  /** An HTTP-date (IMF-fixdate, or the obsolete forms) in epoch ms, or -1. */
  static long httpDate(String value) {
    if (value == null) {
      return -1;
    }
    try {
      return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      return -1;
    }
  }

  static String httpDate(long epochMillis) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(java.time.Instant.ofEpochMilli(epochMillis)
        .atZone(java.time.ZoneOffset.UTC));
  }
}
