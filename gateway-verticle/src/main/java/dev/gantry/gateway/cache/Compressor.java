package dev.gantry.gateway.cache;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compresses a whole body in one content coding: {@code gzip} (the JDK's deflater) or {@code br}
 * (brotli4j's JNI binding). Brotli needs its native library; where it does not load, the
 * compressor offers gzip only, and says so once in the log.
 */
final class Compressor {
  static final String GZIP = "gzip";
  static final String BROTLI = "br";
  private static final Logger LOG = LoggerFactory.getLogger(Compressor.class);
  private final List<String> offered;
  private final int gzipLevel;
  private final int brotliQuality;

  Compressor(List<String> wanted, int gzipLevel, int brotliQuality) {
    List<String> offered = new ArrayList<>(wanted);
    if (offered.contains(BROTLI) && !Native.BROTLI) {
      offered.remove(BROTLI);
    }
    this.offered = List.copyOf(offered);
    this.gzipLevel = gzipLevel;
    this.brotliQuality = brotliQuality;
  }

  /** The codings this compressor can make, in the order they are preferred on equal weight. */
  List<String> offered() {
    return offered;
  }

  Buffer compress(String coding, Buffer body) {
    byte[] in = body.getBytes();
    try {
      return Buffer.buffer(coding.equals(BROTLI) ? Encoder.compress(in, new Encoder.Parameters().setQuality(brotliQuality))
          : gzip(in, gzipLevel));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] gzip(byte[] in, int level) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, in.length / 3));
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192) {
      {
        def.setLevel(level);
      }
    }) {
      gz.write(in);
    }
    return out.toByteArray();
  }

  /** Whether brotli's native library loaded in this JVM: tried once, when first asked. */
  private static final class Native {
    static final boolean BROTLI = load();

    private static boolean load() {
      try {
        Brotli4jLoader.ensureAvailability();
        return true;
      } catch (Throwable e) { // UnsatisfiedLinkError on a platform without a native jar
        LOG.warn("compress: brotli is off, gzip only: its native library did not load ({})", e.toString());
        return false;
      }
    }
  }
}
