package dev.gantry.runtime.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %gantryIds} in a text pattern: {@code [req=… trace=…] } while a request is served. */
public final class RequestIdsConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    String[] ids = RequestIdsAsyncAppender.ids(event);
    return ids == null ? "" : "[req=" + ids[0] + " trace=" + ids[1] + "] ";
  }
}
