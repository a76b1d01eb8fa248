package dev.gantry.codecs;

/** Header names carried on every event-bus request and reply. */
public final class EnvelopeHeaders {
  private EnvelopeHeaders() {}

  public static final String REQUEST_ID = "gantry-request-id";
  /** W3C trace context, same spelling as the HTTP header. */
  public static final String TRACEPARENT = "traceparent";
  /** Absolute deadline, epoch milliseconds. */
  public static final String DEADLINE = "gantry-deadline";
  public static final String PRINCIPAL = "gantry-principal";
  /** The authenticated principal's claims as JSON ({@link Principal#toJson()}); absent for anonymous. */
  public static final String PRINCIPAL_CLAIMS = "gantry-principal-claims";
  /** Set on replies: the node id of the service instance that answered. */
  public static final String SERVED_BY = "gantry-served-by";
}
