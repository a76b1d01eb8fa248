package dev.gantry.gateway.request;

import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.EnvelopeContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Starts the request's envelope: keeps a client's {@code X-Request-Id} and {@code traceparent}
 * when well formed, sets the deadline, and echoes the request id on the response.
 */
public final class RequestEnvelopeHandler implements Handler<RoutingContext> {
  public static final String KEY = "gantry.envelope";
  public static final String REQUEST_ID_HEADER = "X-Request-Id";
  private final long timeoutMillis;

  public RequestEnvelopeHandler(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void handle(RoutingContext ctx) {
    // With tracing on, the request's server span is the parent of everything downstream: the
    // envelope (and so logs and the Kafka record) must name that span, not a trace of its own.
    SpanContext span = Span.current().getSpanContext();
    String requestId = ctx.request().getHeader(REQUEST_ID_HEADER);
    Envelope envelope = span.isValid()
        ? Envelope.within(requestId, "00-" + span.getTraceId() + "-" + span.getSpanId() + "-"
            + span.getTraceFlags().asHex(), timeoutMillis, null)
        : Envelope.start(requestId, ctx.request().getHeader("traceparent"), timeoutMillis, null);
    ctx.put(KEY, envelope);
    EnvelopeContext.bind(envelope);
    ctx.response().putHeader(REQUEST_ID_HEADER, envelope.requestId());
    ctx.next();
  }

  /** Replaces the request's envelope (a policy authenticated it): what follows sees the principal. */
  public static void rebind(RoutingContext ctx, Envelope envelope) {
    ctx.put(KEY, envelope);
    EnvelopeContext.bind(envelope);
  }

  public static Envelope of(RoutingContext ctx) {
    return ctx.get(KEY);
  }
}
