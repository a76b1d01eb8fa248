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
  /**
   * The caller's identity in the mesh's call policy ({@code gateway}, or a service's name), as the
   * sending node asserts it: only members of the cluster can send (mutual TLS), but any member can
   * write any name here.
   */
  public static final String CALLER = "gantry-caller";
  /** Set on replies: the node id of the service instance that answered. */
  public static final String SERVED_BY = "gantry-served-by";
}
