package dev.gantry.gateway.request;

import dev.gantry.codecs.Envelope;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.vertx.core.Handler;

/**
 * Starts the request's envelope: keeps a client's {@code X-Request-Id} and {@code traceparent}
 * when well formed, sets the deadline, and echoes the request id on the response.
 */
public final class RequestEnvelopeHandler implements Handler<GatewayCall> {
  public static final String REQUEST_ID_HEADER = "X-Request-Id";
  // The names as AsciiStrings: their hashes are kept, where a String's is worked out per lookup.
  private static final CharSequence REQUEST_ID = io.vertx.core.http.HttpHeaders.createOptimized(REQUEST_ID_HEADER);
  private static final CharSequence TRACEPARENT = io.vertx.core.http.HttpHeaders.createOptimized("traceparent");
  private final long timeoutMillis;

  public RequestEnvelopeHandler(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void handle(GatewayCall call) {
    // With tracing on, the request's server span is the parent of everything downstream: the
    // envelope (and so logs and the Kafka record) must name that span, not a trace of its own.
    SpanContext span = Span.current().getSpanContext();
    String requestId = call.request().getHeader(REQUEST_ID);
    Envelope envelope = span.isValid()
        ? Envelope.within(requestId, "00-" + span.getTraceId() + "-" + span.getSpanId() + "-"
            + span.getTraceFlags().asHex(), timeoutMillis, null)
        : Envelope.start(requestId, call.request().getHeader(TRACEPARENT), timeoutMillis, null);
    call.envelope(envelope);
    call.response().putHeader(REQUEST_ID, envelope.requestId());
  }
}
