package dev.gantry.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.gateway.edge.Framing;
import io.vertx.core.http.HttpMethod;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The small readings of a request the proxy makes on every one of them. */
class RequestFactsTest {
  @Test
  void idempotentMethodsAreKnownByIdentityWhateverWayTheyWereMade() {
    Set<String> idempotent = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");
    for (HttpMethod m : HttpMethod.values()) {
      // a method parsed from its name (as the server's decoder does) is the same constant
      assertEquals(idempotent.contains(m.name()), ProxyHandler.idempotent(HttpMethod.valueOf(m.name())), m.name());
    }
    assertFalse(ProxyHandler.idempotent(HttpMethod.valueOf("GETX")));
    assertFalse(ProxyHandler.idempotent(HttpMethod.valueOf("BREW")));
  }

  @Test
  void aDeclaredLengthIsReadOnlyWhenItIsAPlainNumber() {
    assertEquals(0, Framing.contentLength("0"));
    assertEquals(1_048_576, Framing.contentLength("1048576"));
    assertEquals(999_999_999_999_999_999L, Framing.contentLength("999999999999999999"));
    for (String odd : new String[] {null, "", " 5", "5 ", "+5", "-1", "1e3", "0x10", "12345678901234567890", "٣"}) {
      assertEquals(-1, Framing.contentLength(odd), String.valueOf(odd));
    }
    assertTrue(Framing.contentLength("007") == 7);
  }
}
