package dev.gantry.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class CallPolicyTest {
  private static CallPolicy read(String json) {
    return CallPolicy.fromJson(new JsonObject(json), "mesh");
  }

  private static String error(String json) {
    return assertThrows(IllegalArgumentException.class, () -> read(json)).getMessage();
  }

  @Test
  void denyByDefaultAllowsOnlyWhatARuleNamesAndStarMeansAny() {
    CallPolicy p = read("""
        {"default": "deny", "allow": [{"from": "gateway", "to": ["catalog", "orders"]},
                                      {"from": "*", "to": "status"}, {"from": "ops", "to": "*"}]}""");
    assertNull(p.refuse("gateway", "catalog"));
    assertEquals("the mesh policy does not allow gateway to call pricing", p.refuse("gateway", "pricing"));
    assertNull(p.refuse("pricing", "status"));
    assertNull(p.refuse("ops", "pricing"));
    assertEquals("the mesh policy does not allow anonymous to call catalog", p.refuse(null, "catalog"));
    assertEquals(p, read(p.toJson().encode()));
  }

  @Test
  void theDefaultPolicyAllowsEveryCall() {
    assertNull(CallPolicy.OPEN.refuse("anyone", "anything"));
    assertEquals(CallPolicy.OPEN, CallPolicy.fromJson(null, "mesh"));
    assertEquals(CallPolicy.OPEN, read("{}"));
  }

  @Test
  void mistakesAreRefusedNamingTheField() {
    assertEquals("mesh.default: expected allow or deny, got maybe", error("{\"default\": \"maybe\"}"));
    assertEquals("mesh.alow: unknown field (known: default, allow, zone-min-healthy-percent)", error("{\"alow\": []}"));
    assertEquals("mesh.allow[0].to: expected a service name or a list of them", error("{\"allow\": [{\"from\": \"a\"}]}"));
    assertEquals("mesh.allow[0].to[1]: expected a service name (a-z, 0-9, -) or *, got Bad Name",
        error("{\"allow\": [{\"from\": \"a\", \"to\": [\"b\", \"Bad Name\"]}]}"));
    assertEquals("mesh.allow[0].form: unknown field (known: from, to)", error("{\"allow\": [{\"form\": \"a\", \"to\": \"b\"}]}"));
    assertEquals("mesh.zone-min-healthy-percent: expected an integer from 0 to 100, got 101",
        error("{\"zone-min-healthy-percent\": 101}"));
  }
}
