package dev.gantry.codecs;

import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * What travels with every request between nodes: who asked, which trace it belongs to and until
 * when an answer is still useful.
 *
 * @param requestId   the request id, echoed to clients as {@code X-Request-Id}
 * @param traceparent a W3C {@code traceparent} value
 * @param deadline    absolute deadline in epoch milliseconds
 * @param principal   the authenticated principal's subject, {@code anonymous} when none
 * @param claims      the authenticated principal in full, null when anonymous
 */
public record Envelope(String requestId, String traceparent, long deadline, String principal, Principal claims) {

  public static final String ANONYMOUS = "anonymous";
  private static final Pattern TRACEPARENT =
      Pattern.compile("^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$");
  private static final HexFormat HEX = HexFormat.of();
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:~+/=@-]{1,128}");

  public Envelope {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(traceparent, "traceparent");
    Objects.requireNonNull(principal, "principal");
  }

  public Envelope(String requestId, String traceparent, long deadline, String principal) {
    this(requestId, traceparent, deadline, principal, null);
  }

  /** This envelope, authenticated as {@code who}. */
  public Envelope authenticated(Principal who) {
    return new Envelope(requestId, traceparent, deadline, who.subject(), who);
  }

  /** This envelope with another deadline. */
  public Envelope withDeadline(long at) {
    return new Envelope(requestId, traceparent, at, principal, claims);
  }

  /** A new envelope for a request arriving now, keeping the caller's ids when they are valid. */
  public static Envelope start(String requestId, String traceparent, long timeoutMillis, String principal) {
    String trace = traceparent != null && TRACEPARENT.matcher(traceparent).matches()
        ? childOf(traceparent) : newTraceparent();
    return new Envelope(requestIdOrNew(requestId), trace, System.currentTimeMillis() + timeoutMillis,
        principal == null ? ANONYMOUS : principal);
  }

  /**
   * A new envelope inside a span that already exists (a tracer's server span): the traceparent is
   * kept as it is, so logs and downstream calls name that very span.
   */
  public static Envelope within(String requestId, String traceparent, long timeoutMillis, String principal) {
    if (traceparent == null || !TRACEPARENT.matcher(traceparent).matches()) {
      return start(requestId, traceparent, timeoutMillis, principal);
    }
    return new Envelope(requestIdOrNew(requestId), traceparent, System.currentTimeMillis() + timeoutMillis,
        principal == null ? ANONYMOUS : principal);
  }

  /**
   * The caller's request id when it is a sane token (letters, digits and {@code . _ : ~ + / = @ -},
   * at most 128), else a new one: an id is echoed and logged, so it must not carry quotes,
   * spaces or control characters.
   */
  private static String requestIdOrNew(String requestId) {
    return requestId == null || !REQUEST_ID.matcher(requestId).matches() ? newRequestId() : requestId;
  }

  /** Reads the envelope of a received message; a missing or malformed one is a bad request. */
  public static Envelope from(MultiMap headers) {
    String id = headers.get(EnvelopeHeaders.REQUEST_ID);
    String trace = headers.get(EnvelopeHeaders.TRACEPARENT);
    String deadline = headers.get(EnvelopeHeaders.DEADLINE);
    if (id == null || trace == null || deadline == null) {
      throw new ServiceException(Failure.BAD_REQUEST,
          "message envelope lacks " + (id == null ? EnvelopeHeaders.REQUEST_ID
              : trace == null ? EnvelopeHeaders.TRACEPARENT : EnvelopeHeaders.DEADLINE));
    }
    long at;
    try {
      at = Long.parseLong(deadline);
    } catch (NumberFormatException e) {
      throw new ServiceException(Failure.BAD_REQUEST,
          EnvelopeHeaders.DEADLINE + ": not epoch milliseconds: " + deadline);
    }
    String principal = headers.get(EnvelopeHeaders.PRINCIPAL);
    String claims = headers.get(EnvelopeHeaders.PRINCIPAL_CLAIMS);
    return new Envelope(id, trace, at, principal == null ? ANONYMOUS : principal,
        claims == null ? null : Principal.fromJson(claims));
  }

  public long remainingMillis() {
    return deadline - System.currentTimeMillis();
  }

  public boolean expired() {
    return remainingMillis() <= 0;
  }

  /** Delivery options that carry this envelope and time out when the deadline passes. */
  public DeliveryOptions deliveryOptions() {
    DeliveryOptions options = new DeliveryOptions();
    if (claims != null) {
      options.addHeader(EnvelopeHeaders.PRINCIPAL_CLAIMS, claims.toJson().encode());
    }
    return options
        .setSendTimeout(Math.max(1, remainingMillis()))
        .addHeader(EnvelopeHeaders.REQUEST_ID, requestId)
        .addHeader(EnvelopeHeaders.TRACEPARENT, traceparent)
        .addHeader(EnvelopeHeaders.DEADLINE, Long.toString(deadline))
        .addHeader(EnvelopeHeaders.PRINCIPAL, principal);
  }

  /** The parent span id part of the traceparent. */
  public String spanId() {
    return traceparent.substring(36, 52);
  }

  /** The trace id part of the traceparent. */
  public String traceId() {
    return traceparent.substring(3, 35);
  }

  /**
   * A random (version 4) UUID. Ids only need to be unique, not unguessable: a per-thread
   * generator keeps event loops from contending on one SecureRandom (as OpenTelemetry's ids do).
   */
  private static String newRequestId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  private static String newTraceparent() {
    // written straight into one array: the concatenation of four hex strings cost four of them
    byte[] b = new byte[55];
    b[0] = '0';
    b[1] = '0';
    b[2] = '-';
    hex(nonZeroLong(), b, 3);
    hex(ThreadLocalRandom.current().nextLong(), b, 19);
    b[35] = '-';
    hex(nonZeroLong(), b, 36);
    b[52] = '-';
    b[53] = '0';
    b[54] = '1';
    return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** {@code value} as 16 lower-case hex digits at {@code at}. */
  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private static void hex(long value, byte[] into, int at) {
    for (int i = 15; i >= 0; i--) {
      // a table, not a branch on digit < 10: random digits would mispredict it every other time
      into[at + i] = HEX_DIGITS[(int) (value & 0xF)];
      value >>>= 4;
    }
  }

  private static String childOf(String parent) {
    return parent.substring(0, 36) + newSpanId() + parent.substring(52);
  }

  private static String newSpanId() {
    return HEX.toHexDigits(nonZeroLong());
  }

  /** W3C trace context: all-zero trace and span ids are invalid. */
  private static long nonZeroLong() {
    long value;
    do {
      value = ThreadLocalRandom.current().nextLong();
    } while (value == 0);
    return value;
  }
}
