package dev.gantry.runtime.seal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticated encryption of what Gantry keeps in Hazelcast: AES-256-GCM under the cluster key,
 * a fresh 96-bit nonce per value, and the map's name and the entry's key as associated data, so a
 * sealed value moved to another key or map no longer opens. A sealed value is the text
 * {@code gs1.} + base64url(nonce ‖ ciphertext ‖ tag). Thread-safe.
 */
public final class ClusterSeal {
  static final String PREFIX = "gs1.";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKey key;
  private final List<SecretKey> openers;
  private final SecureRandom random = new SecureRandom();

  public ClusterSeal(byte[] key) {
    this(List.of(key));
  }

  /**
   * @param keys the key that seals first, then keys that still open (while a key is rotated: every
   *             node first gets the new key second, then first, then alone)
   */
  public ClusterSeal(List<byte[]> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no cluster key");
    }
    List<SecretKey> all = new ArrayList<>();
    for (byte[] k : keys) {
      if (k.length != 32) {
        throw new IllegalArgumentException("a cluster key has 32 bytes, got " + k.length);
      }
      all.add(new SecretKeySpec(k.clone(), "AES"));
    }
    this.key = all.get(0);
    this.openers = List.copyOf(all);
  }

  /** Seals {@code plain} for entry {@code entryKey} of map {@code map}. */
  public String seal(String map, String entryKey, byte[] plain) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData(map, entryKey));
      byte[] sealed = cipher.doFinal(plain);
      byte[] out = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
      return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM", e);
    }
  }

  /**
   * The plain bytes of a value sealed for this map and key under this cluster key.
   *
   * @throws SealException when the value is not sealed, was sealed under another key, for another
   *                       entry, or was changed
   */
  public byte[] open(String map, String entryKey, Object stored) {
    if (!(stored instanceof String text) || !text.startsWith(PREFIX)) {
      throw new SealException("not a sealed value (" + (stored == null ? "null" : stored.getClass().getSimpleName()) + ")");
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(text.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new SealException("a sealed value that is not base64url");
    }
    if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new SealException("a sealed value too short to hold a nonce and a tag");
    }
    byte[] aad = associatedData(map, entryKey);
    for (SecretKey candidate : openers) {
      try {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, candidate, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
        cipher.updateAAD(aad);
        return cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
      } catch (javax.crypto.AEADBadTagException e) {
        // not this key: try the next
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-GCM is not available in this JVM", e);
      }
    }
    throw new SealException("fails authentication (another cluster key, another entry, or changed)");
  }

  /** Length-prefixed, so no map name and key pair can spell another pair's bytes. */
  static byte[] associatedData(String map, String entryKey) {
    byte[] m = map.getBytes(StandardCharsets.UTF_8);
    byte[] k = entryKey.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + 4 + m.length + 4 + k.length).put("gantry1\0".getBytes(StandardCharsets.US_ASCII))
        .putInt(m.length).put(m).putInt(k.length).put(k).array();
  }

  /** A value that does not open: not sealed, sealed under another key or for another entry, or changed. */
  public static final class SealException extends RuntimeException {
    public SealException(String message) {
      super(message, null, false, false);
    }
  }
}
