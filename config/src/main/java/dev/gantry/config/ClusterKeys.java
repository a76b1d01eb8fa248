package dev.gantry.config;

import java.util.Base64;

/** The one spelling of a cluster key: base64 (standard or URL-safe) of exactly 32 bytes. */
public final class ClusterKeys {
  public static final int KEY_BYTES = 32;

  private ClusterKeys() {}

  /**
   * The key's bytes; a {@link ConfigException} naming {@code origin} (never the value) otherwise.
   */
  public static byte[] decode(String text, String origin) {
    String trimmed = text.trim();
    byte[] key;
    try {
      key = trimmed.contains("-") || trimmed.contains("_") ? Base64.getUrlDecoder().decode(trimmed)
          : Base64.getDecoder().decode(trimmed);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config: " + origin + ": not base64 (expected 32 random bytes in base64, e.g. from "
          + "`openssl rand -base64 32` or `gantry.jar cluster-ca`)");
    }
    if (key.length != KEY_BYTES) {
      throw new ConfigException("config: " + origin + ": expected " + KEY_BYTES + " bytes, got " + key.length);
    }
    return key;
  }
}
