package dev.gantry.runtime.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.EnvelopeContext;

/** {@code %gantryIds} in a text pattern: {@code [req=… trace=…] } while a request is served. */
public final class RequestIdsConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    Envelope envelope = EnvelopeContext.current();
    return envelope == null ? "" : "[req=" + envelope.requestId() + " trace=" + envelope.traceId() + "] ";
  }
}
