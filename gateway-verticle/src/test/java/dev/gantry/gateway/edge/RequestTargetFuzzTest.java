package dev.gantry.gateway.edge;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import java.nio.charset.StandardCharsets;

/**
 * Any request target through the edge's one normalisation. It is refused with a 400
 * {@link ServiceException}, or normalised into a path that starts with {@code /}, holds no dot
 * segment and no empty segment, and is its own normal form (normalising it again changes
 * nothing: what routing sees is what goes upstream).
 */
class RequestTargetFuzzTest {

  /** The bytes of a request line's target, one character each (as the HTTP/1.1 decoder reads them). */
  @FuzzTest(maxDuration = "5s")
  void anyTargetIsRefusedWithA400OrNormalisedToAFixedPoint(byte[] bytes) {
    String target = new String(bytes, StandardCharsets.ISO_8859_1);
    RequestTarget parsed;
    try {
      parsed = RequestTarget.parse(target);
    } catch (ServiceException expected) {
      if (expected.failure() != Failure.BAD_REQUEST || expected.detail().isBlank()) {
        throw new AssertionError("refused as " + expected.failure() + ": " + expected.detail());
      }
      return;
    }
    String path = parsed.path();
    if (!path.startsWith("/")) {
      throw new AssertionError("path without a leading slash: " + path);
    }
    String inner = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (inner.contains("//") || inner.contains("/./") || inner.contains("/../") || inner.endsWith("/.")
        || inner.endsWith("/..")) {
      throw new AssertionError("not normal: " + path + " from " + target);
    }
    RequestTarget again = RequestTarget.parse(parsed.uri());
    if (!again.path().equals(path) || again.encodedSlash() != parsed.encodedSlash()) {
      throw new AssertionError("normalising twice changed " + path + " into " + again.path());
    }
  }
}
