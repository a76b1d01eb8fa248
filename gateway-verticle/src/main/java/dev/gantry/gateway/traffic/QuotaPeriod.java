package dev.gantry.gateway.traffic;

import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/** A quota's calendar period, in UTC: a counter per period, named by it, so a new period starts at zero. */
public enum QuotaPeriod {
  DAY("day"), MONTH("month");

  private final String text;

  QuotaPeriod(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }

  /** When the period holding {@code now} (UTC) began. */
  ZonedDateTime start(ZonedDateTime now) {
    ZonedDateTime day = now.truncatedTo(ChronoUnit.DAYS);
    return this == DAY ? day : day.withDayOfMonth(1);
  }

  ZonedDateTime end(ZonedDateTime start) {
    return this == DAY ? start.plusDays(1) : start.plusMonths(1);
  }

  /** The period's name in a counter key: {@code 2025-06-14} or {@code 2025-06}. */
  String id(ZonedDateTime start) {
    return this == DAY ? start.toLocalDate().toString()
        : String.format("%04d-%02d", start.getYear(), start.getMonthValue());
  }
}
