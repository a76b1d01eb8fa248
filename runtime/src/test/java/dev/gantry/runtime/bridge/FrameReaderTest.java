package dev.gantry.runtime.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Frames as a socket delivers them: split anywhere, several to a chunk, or hostile. */
class FrameReaderTest {
  private final List<JsonObject> frames = new ArrayList<>();
  private final List<String> refusals = new ArrayList<>();
  private final FrameReader reader = new FrameReader(1024, frames::add, e -> refusals.add(e.getMessage()));

  private static Buffer frame(String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer().appendInt(body.length).appendBytes(body);
  }

  @Test
  void framesSplitAtEveryByteOrSharingAChunkAreReadWhole() {
    Buffer two = frame("{\"type\":\"ping\",\"n\":1}").appendBuffer(frame("{\"type\":\"ping\",\"n\":\"ü\"}"));
    for (int i = 0; i < two.length(); i++) {
      reader.handle(two.getBuffer(i, i + 1));
    }
    reader.handle(two);
    assertEquals(4, frames.size());
    assertEquals("ü", frames.get(1).getString("n"));
    assertEquals(List.of(), refusals);
  }

  @Test
  void aTooLongLengthIsRefusedAtOnceAndNothingAfterItIsRead() {
    reader.handle(Buffer.buffer().appendInt(1025));
    reader.handle(frame("{\"type\":\"ping\"}"));
    assertEquals(List.of("frame of 1025 bytes refused (at most 1024)"), refusals);
    assertTrue(frames.isEmpty());
  }

  @Test
  void aBodyThatIsNotAJsonObjectIsRefused() {
    reader.handle(frame("\"just a string\""));
    assertEquals(List.of("frame is not a JSON object"), refusals);
    FrameReader other = new FrameReader(1024, frames::add, e -> refusals.add(e.getMessage()));
    other.handle(frame("{nope"));
    assertTrue(refusals.get(1).startsWith("frame is not JSON"), refusals.toString());
  }
}
