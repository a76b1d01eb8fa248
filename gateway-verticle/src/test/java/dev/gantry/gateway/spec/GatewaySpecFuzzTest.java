package dev.gantry.gateway.spec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.route.RouteTable;

/**
 * Any text as a route file. It is refused with a {@link ServiceException} naming the field (the
 * documented failure), or read into a spec whose route table builds and whose JSON form (what the
 * spec store keeps, and reads back on the next start) reads back to the same spec.
 */
class GatewaySpecFuzzTest {

  @FuzzTest(maxDuration = "5s")
  void anyRouteFileIsRefusedNamingTheFieldOrReadsBackTheSame(@NotNull String yaml) {
    GatewaySpec spec;
    try {
      spec = GatewaySpec.fromYaml(yaml);
      new RouteTable(spec.routes());
    } catch (ServiceException expected) {
      if (expected.detail() == null || expected.detail().isBlank()) {
        throw new AssertionError("refused without saying why", expected);
      }
      return;
    }
    GatewaySpec again = GatewaySpec.fromJson(spec.toJson());
    if (!again.toJson().equals(spec.toJson())) {
      throw new AssertionError("stored as " + spec.toJson() + ", read back as " + again.toJson());
    }
  }
}
