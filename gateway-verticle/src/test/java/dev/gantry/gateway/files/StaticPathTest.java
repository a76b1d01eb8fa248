package dev.gantry.gateway.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The static target's own defences, below the edge: the edge already refuses most of these paths,
 * and this layer must refuse them too should a path ever reach it another way (a rewrite, a
 * route that allows encoded slashes).
 */
class StaticPathTest {
  @Test
  void segmentsThatCouldLeaveTheRootOrNameAHiddenFileAreRefused() {
    for (String path : List.of("/..", "/a/../b", "/%2e%2e/x", "/%2E%2e/x", "/.", "/a%2fb", "/a%2F..%2Fb", "/a%5c..",
        "/%00", "/a%00.txt", "/%0a", "/%7f", "/%c0%ae%c0%ae", "/%e9", "/%", "/%2", "/%zz", "/.env", "/%2eenv",
        "/.git/config", "/sub/.htpasswd", "/caf\u00e9")) {
      assertNull(StaticFiles.segments(path, false), path);
    }
    assertNull(StaticFiles.segments("/..", true), "dotfiles: true still refuses dot segments");
    assertEquals(List.of(".env"), StaticFiles.segments("/.env", true));
  }

  @Test
  void ordinaryNamesAreDecodedOneSegmentAtATime() {
    assertEquals(List.of("a b.txt"), StaticFiles.segments("/a%20b.txt", false));
    assertEquals(List.of("a", "b"), StaticFiles.segments("//a//b/", false));
    assertEquals(List.of("caf\u00e9.txt"), StaticFiles.segments("/caf%C3%A9.txt", false));
    assertEquals(List.of("a+b"), StaticFiles.segments("/a+b", false));
    assertEquals(List.of(), StaticFiles.segments("/", false));
    assertEquals(List.of("%2e%2e"), StaticFiles.segments("/%252e%252e", false), "decoded once, never twice");
  }

  @Test
  void oneRangeIsReadAndAnythingElseIsIgnoredOrUnsatisfiable() {
    assertEquals(new ByteRange(0, 9), ByteRange.of("bytes=0-9", 100));
    assertEquals(new ByteRange(90, 99), ByteRange.of("bytes=-10", 100));
    assertEquals(new ByteRange(0, 99), ByteRange.of("bytes=-1000", 100));
    assertEquals(new ByteRange(50, 99), ByteRange.of("BYTES=50-", 100), "the unit is case-insensitive");
    assertEquals(new ByteRange(99, 99), ByteRange.of("bytes=99-200", 100));
    assertEquals(ByteRange.UNSATISFIABLE, ByteRange.of("bytes=-0", 100));
    assertEquals(ByteRange.UNSATISFIABLE, ByteRange.of("bytes=100-", 100));
    assertEquals(ByteRange.UNSATISFIABLE, ByteRange.of("bytes=0-", 0));
    for (String ignored : List.of("bytes=9-0", "bytes=0-1,2-3", "bytes=", "bytes=-", "bytes=a-", "bytes=+1-2",
        "bytes=0x1-2", "bytes=1234567890123456789-", "items=0-1", "bytes=0-1" + " ".repeat(100))) {
      assertEquals(ByteRange.WHOLE, ByteRange.of(ignored, 100), ignored);
    }
  }
}
