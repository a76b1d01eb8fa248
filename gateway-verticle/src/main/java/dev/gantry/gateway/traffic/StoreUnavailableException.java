package dev.gantry.gateway.traffic;

/** The shared limit store could not decide (not configured, unreachable, too slow). */
public final class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message) {
    super(message, null, false, false); // an expected condition: no stack trace to fill
  }
}
