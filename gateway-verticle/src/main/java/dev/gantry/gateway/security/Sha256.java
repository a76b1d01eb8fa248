package dev.gantry.gateway.security;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 on the request path: one {@link MessageDigest} per thread, since looking the algorithm
 * up in the JDK's providers costs more than digesting a token.
 */
public final class Sha256 {
  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  });

  private Sha256() {}

  /** The digest of {@code text} encoded in {@code charset}. */
  public static byte[] of(String text, Charset charset) {
    MessageDigest sha = DIGEST.get();
    sha.reset();
    return sha.digest(text.getBytes(charset));
  }

  /** The digest of {@code text}'s UTF-8 bytes in lower-case hex. */
  public static String hex(String text) {
    return HexFormat.of().formatHex(of(text, StandardCharsets.UTF_8));
  }
}
