package dev.gantry.gateway.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Route files that crashed the reader under fuzzing (fuzz/RESULTS.md): each is now a clear refusal. */
class YamlDocumentTest {

  private static ServiceException refused(String yaml) {
    return assertThrows(ServiceException.class, () -> GatewaySpec.fromYaml(yaml));
  }

  @Test
  void anAliasThatContainsItselfIsRefusedWithItsPath() {
    assertEquals("routes[0]: an alias that contains itself", refused("routes: &a [*a]\n").detail());
  }

  @Test
  void yamlTypesJsonHasNoValueForAreRefusedAsInvalidYaml() {
    ServiceException binary = refused("routes:\n  - id: x\n    match: {path: !!binary aGk=}\n");
    assertEquals(Failure.BAD_REQUEST, binary.failure());
    assertTrue(binary.detail().startsWith("not valid YAML: "), binary.detail());
    assertTrue(refused("!!set {a, b}\n").detail().startsWith("not valid YAML: "));
    assertTrue(refused("!eth%e\n").detail().startsWith("not valid YAML: "));
    assertEquals("not valid YAML: tag:yaml.org,2002:str cannot tag a mapping (line 1)",
        refused("a: !!str {b: 1}\n").detail());
    assertEquals("not valid YAML: an escape sequence without its hex digits",
        refused("a: \"\\u").detail()); // the text ends in the middle of the escape
  }

  @Test
  void aNumberMustBeFiniteAndADateStaysText() {
    assertEquals("routes[0].priority: must be a finite number, not NaN",
        refused("routes:\n  - {id: r, priority: .nan, match: {path: /a}, upstream: u}\n").detail());
    assertEquals(new JsonObject().put("id", "2026-01-01"), YamlDocument.read("id: 2026-01-01\n"));
  }
}
