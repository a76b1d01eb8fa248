package dev.gantry.runtime.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.EnvelopeContext;
import io.vertx.core.json.JsonObject;
import org.slf4j.event.KeyValuePair;
import java.time.Instant;

/**
 * {@code {"timestamp":…,"level":…,"logger":…,"message":…,"thread":…,"node":…,"trace_id":…,
 * "span_id":…,"request_id":…,"error":…}} — one object a line; the request fields only while a
 * request is being served, or when the line names its request with key-value pairs (which become
 * fields of their own, as the access log's route, status and duration do).
 */
public final class JsonLayout extends LayoutBase<ILoggingEvent> {
  @Override
  public String doLayout(ILoggingEvent event) {
    JsonObject line = new JsonObject()
        .put("timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString())
        .put("level", event.getLevel().toString())
        .put("logger", event.getLoggerName())
        .put("message", event.getFormattedMessage())
        .put("thread", event.getThreadName());
    String node = event.getLoggerContextVO() == null ? null
        : event.getLoggerContextVO().getPropertyMap().get(LogFormat.NODE_PROPERTY);
    if (node != null) {
      line.put("node", node);
    }
    // While the request is served here (a synchronous appender); through the console's queue the
    // ids come as key-value pairs (RequestIdsAsyncAppender).
    Envelope envelope = EnvelopeContext.current();
    if (envelope != null) {
      line.put("trace_id", envelope.traceId()).put("span_id", envelope.spanId())
          .put("request_id", envelope.requestId());
    }
    // Facts a line carries as key-value pairs (the access log's route, status, ...) are fields too.
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        line.put(pair.key, pair.value instanceof Number || pair.value instanceof Boolean ? pair.value
            : String.valueOf(pair.value));
      }
    }
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      line.put("error", ThrowableProxyUtil.asString(error));
    }
    return line.encode() + "\n";
  }
}
