package dev.gantry.gateway.spec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.route.RouteTable;
import java.nio.charset.StandardCharsets;

/**
 * Any text as a route file. It is refused with a {@link ServiceException} naming the field (the
 * documented failure), or read into a spec whose route table builds and whose JSON text (what the
 * spec store keeps in the cluster map, and every node reads back) reads back to the same spec.
 */
class GatewaySpecFuzzTest {

  /** A route file's bytes, read as UTF-8 as the file and the admin API's body are. */
  @FuzzTest(maxDuration = "5s")
  void anyRouteFileIsRefusedNamingTheFieldOrReadsBackTheSame(byte[] file) {
    String yaml = new String(file, StandardCharsets.UTF_8);
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
    String stored = spec.toJson().encode(); // as SpecStore keeps it in the cluster map
    GatewaySpec again = GatewaySpec.fromJson(new io.vertx.core.json.JsonObject(stored));
    if (!again.toJson().encode().equals(stored)) {
      throw new AssertionError("stored as " + spec.toJson() + ", read back as " + again.toJson());
    }
  }
}
