package dev.gantry.config;

/** A configuration that cannot start Gantry; the message is one line naming key and origin. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
