package dev.gantry.codecs;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/**
 * The envelope of the request being served on the current Vert.x context, so that code far from
 * the handler (a log line, a client call) can see which request it works for. Kept only on
 * per-request (duplicated) contexts, never on a verticle's own context, so requests never see
 * each other's envelope.
 */
public final class EnvelopeContext {
  static final String KEY = "gantry.envelope";

  private EnvelopeContext() {}

  /** Remembers {@code envelope} for the rest of this request's work on this context. */
  public static void bind(Envelope envelope) {
    Context context = Vertx.currentContext();
    if (context instanceof ContextInternal internal && internal.isDuplicate()) {
      internal.putLocal(KEY, envelope);
    }
  }

  /** The current request's envelope, or null outside of one. */
  public static Envelope current() {
    Context context = Vertx.currentContext();
    if (context instanceof ContextInternal internal && internal.isDuplicate()) {
      Object value = internal.getLocal(KEY);
      return value instanceof Envelope e ? e : null;
    }
    return null;
  }
}
