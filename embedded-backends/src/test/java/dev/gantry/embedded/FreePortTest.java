package dev.gantry.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FreePortTest {
  @Test
  void portsPickedTogetherAreDistinct() {
    // One at a time, the kernel may hand the port just closed out again (CI once started Kafka
    // with its client and controller listeners on one port); picked together they differ.
    // 300 at once: were each socket closed before the next was opened, some two of them would
    // share a port almost surely (the kernel picks among a few thousand)
    for (int round = 0; round < 5; round++) {
      int[] ports = FreePort.pick(300);
      assertEquals(300, Arrays.stream(ports).distinct().count(), Arrays.toString(ports));
    }
  }

  @Test
  void portsNamedBesidesAreNeverPicked() {
    // 1,000 of the ~28,000 ephemeral ports, then 100 picks: were they ignored, some pick would
    // land on one of them with a probability of about 97 %.
    int[] taken = FreePort.pick(1000);
    Set<Integer> takenSet = Arrays.stream(taken).boxed().collect(Collectors.toSet());
    for (int round = 0; round < 100; round++) {
      int port = FreePort.pick(1, taken)[0];
      assertFalse(takenSet.contains(port), "picked " + port + " though it was named besides");
    }
  }
}
