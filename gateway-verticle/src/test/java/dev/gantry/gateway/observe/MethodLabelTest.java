package dev.gantry.gateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

class MethodLabelTest {
  @Test
  void knownMethodsAreTheirNamesAndMadeUpOnesOneLabel() {
    for (HttpMethod m : HttpMethod.values()) {
      assertEquals(m.name(), RequestObserver.methodLabel(HttpMethod.valueOf(m.name())));
    }
    assertEquals(RequestObserver.OTHER_METHOD, RequestObserver.methodLabel(HttpMethod.valueOf("BREW")));
    assertEquals(RequestObserver.OTHER_METHOD, RequestObserver.methodLabel(HttpMethod.valueOf("get")));
  }
}
