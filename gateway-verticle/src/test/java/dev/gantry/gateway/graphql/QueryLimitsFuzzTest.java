package dev.gantry.gateway.graphql;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.spec.GraphqlSpec;
import graphql.language.Document;
import graphql.language.OperationDefinition;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A GraphQL request as a client sends it (a query and its variables) through what runs before any
 * resolver: the request's shape, parsing under the route's limits, the fragment check, validation,
 * the choice of operation and {@link QueryLimits}. Refusals are the documented failures: a
 * {@link ServiceException} for a malformed request, an {@link Operations.Refused} with a 4xx status
 * for a query that may not run. Anything else (a class cast on a variable, a stack overflow on
 * nesting) is a crash; so is a check that is not linear enough to finish within Jazzer's timeout.
 */
class QueryLimitsFuzzTest {
  private static final GraphqlSpec SPEC = new GraphqlSpec(12, 5_000, 30, 20, 16 * 1024, 10,
      Map.of("Item.children", 3), true, false, GraphqlSpec.Persisted.APQ, true, 8);

  /** The input is the variables' JSON, a newline and the query (saved inputs are plain text). */
  @FuzzTest(maxDuration = "5s")
  void anyQueryAndVariablesAreRefusedWithA4xxOrMeasured(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    int newline = text.indexOf('\n');
    String variables = newline < 0 ? "" : text.substring(0, newline);
    String query = text.substring(newline + 1);
    JsonObject body = new JsonObject().put("query", query);
    try {
      body.put("variables", new JsonObject(variables));
    } catch (RuntimeException notAnObject) {
      // the query alone, without variables
    }
    try {
      GraphqlRequest request = GraphqlRequest.fromJson(body);
      Document document = Operations.parse(QueryLimitsTest.SCHEMA, request.query(), SPEC);
      OperationDefinition operation = Operations.operation(document, request.operationName());
      QueryLimits.check(QueryLimitsTest.SCHEMA, document, operation, request.variables(), SPEC);
    } catch (ServiceException expected) {
      return;
    } catch (Operations.Refused expected) {
      if (expected.status < 400 || expected.status > 499) {
        throw new AssertionError("refused with " + expected.status + ": " + expected.getMessage());
      }
    }
  }
}
