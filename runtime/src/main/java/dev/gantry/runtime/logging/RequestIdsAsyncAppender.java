package dev.gantry.runtime.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.EnvelopeContext;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * An {@link AsyncAppender} that takes the served request's ids with each line. The layouts run on
 * the appender's own thread, where the request's Vert.x context is gone, so the ids are put on the
 * event as key-value pairs here, on the thread that logs (a line that names its request already,
 * as the access line does, keeps its own). The MDC cannot carry them: an earlier appender may have
 * taken the event's MDC snapshot already.
 */
final class RequestIdsAsyncAppender extends AsyncAppender {
  static final String REQUEST_ID = "request_id";
  static final String TRACE_ID = "trace_id";
  static final String SPAN_ID = "span_id";

  @Override
  protected void preprocess(ILoggingEvent event) {
    Envelope envelope = EnvelopeContext.current();
    if (envelope != null && event instanceof LoggingEvent logged && value(event, REQUEST_ID) == null) {
      logged.addKeyValuePair(new KeyValuePair(REQUEST_ID, envelope.requestId()));
      if (value(event, TRACE_ID) == null) {
        logged.addKeyValuePair(new KeyValuePair(TRACE_ID, envelope.traceId()));
      }
      logged.addKeyValuePair(new KeyValuePair(SPAN_ID, envelope.spanId()));
    }
    super.preprocess(event);
  }

  /** The request id and trace id a line was logged under (from its context or its pairs), or null. */
  static String[] ids(ILoggingEvent event) {
    Envelope envelope = EnvelopeContext.current();
    if (envelope != null) {
      return new String[] {envelope.requestId(), envelope.traceId()};
    }
    String requestId = value(event, REQUEST_ID);
    return requestId == null ? null : new String[] {requestId, value(event, TRACE_ID)};
  }

  private static String value(ILoggingEvent event, String key) {
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      for (KeyValuePair pair : pairs) {
        if (key.equals(pair.key)) {
          return String.valueOf(pair.value);
        }
      }
    }
    return null;
  }
}
