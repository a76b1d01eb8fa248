package dev.gantry.gateway.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RequestTargetTest {

  @Test
  void anEncodedSlashIsFlaggedOnlyWhenTheNormalisedPathStillHoldsOne() {
    RequestTarget kept = RequestTarget.parse("/files/a%2fb");
    assertEquals("/files/a%2Fb", kept.path());
    assertTrue(kept.encodedSlash());
    // found by fuzzing: ".." removed the segment holding %2F, yet the path was flagged (and a route
    // refusing encoded slashes refused a path that holds none)
    RequestTarget removed = RequestTarget.parse("/files/a%2Fb/../c");
    assertEquals("/files/c", removed.path());
    assertFalse(removed.encodedSlash());
    assertEquals(removed, RequestTarget.parse(removed.uri()));
  }
}
