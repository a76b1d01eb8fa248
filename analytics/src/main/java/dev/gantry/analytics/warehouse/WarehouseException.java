package dev.gantry.analytics.warehouse;

/** A warehouse operation failed (SQL, file); the message says which and why. */
public final class WarehouseException extends RuntimeException {
  public WarehouseException(String message, Throwable cause) {
    super(message, cause);
  }
}
