package dev.gantry.codecs;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;
import java.util.Arrays;

/**
 * Bytes from another node, decoded by every message codec. The first byte picks the codec; the
 * second says whether the rest goes on the wire as it is (a frame of any shape) or behind a
 * correct length (so the fuzzer reaches the records' own JSON checks). The one failure allowed is
 * a {@link ServiceException} with a detail, which the bus turns into a 400 naming what was wrong;
 * anything else (an index out of bounds, a class cast, a null) is a crash. What is accepted must
 * come back equal through its own codec: nothing accepted is lost on the next hop.
 */
class CodecsFuzzTest {

  @FuzzTest(maxDuration = "5s")
  void decodingAnyBytesFailsOnlyWithAServiceException(byte[] input) {
    if (input.length < 2) {
      return;
    }
    WireRecordCodec<?> codec = Codecs.ALL.get(Math.floorMod(input[0], Codecs.ALL.size()));
    byte[] payload = Arrays.copyOfRange(input, 2, input.length);
    Buffer wire = (input[1] & 1) == 0 ? Buffer.buffer(payload)
        : Buffer.buffer().appendInt(payload.length).appendBytes(payload);
    WireRecord decoded;
    try {
      decoded = codec.decodeFromWire(0, wire);
    } catch (ServiceException expected) {
      if (expected.detail() == null || expected.detail().isBlank()) {
        throw new AssertionError("a ServiceException without a detail", expected);
      }
      return;
    }
    Buffer again = Buffer.buffer();
    encode(codec, decoded, again);
    Object twice = codec.decodeFromWire(0, again);
    if (!decoded.equals(twice)) {
      throw new AssertionError("the round trip changed " + decoded + " into " + twice);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends WireRecord> void encode(WireRecordCodec<T> codec, WireRecord record, Buffer out) {
    codec.encodeToWire(out, (T) record);
  }
}
