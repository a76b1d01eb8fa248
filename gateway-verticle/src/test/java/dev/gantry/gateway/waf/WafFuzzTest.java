package dev.gantry.gateway.waf;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.spec.SpecReader;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Any request through the default rules at paranoia 4 (every rule on): a query, a header, and a
 * body under one of the content types the WAF reads (form, JSON, XML, multipart) or any other.
 * Inspection has no failure of its own: it scores, and the score decides. Any exception is a
 * crash, and so is an inspection slow enough to hit Jazzer's timeout (a regular expression or a
 * parser that backtracks on crafted input).
 */
class WafFuzzTest {
  private static final String[] TYPES = {"application/x-www-form-urlencoded", "application/json", "text/xml",
      "multipart/form-data; boundary=b", "text/plain", "application/graphql+json"};
  private static final Waf WAF = create();

  private static Waf create() {
    WafType type = new WafType();
    return type.create(type.read(SpecReader.of(new JsonObject().put("paranoia", 4).put("mode", "detect"), "waf")),
        PolicyRuntime.detached());
  }

  @FuzzTest(maxDuration = "5s")
  void anyRequestIsScoredWithoutFailing(FuzzedDataProvider data) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    String type = data.consumeBoolean() ? TYPES[data.consumeInt(0, TYPES.length - 1)] : data.consumeString(64);
    headers.add("Content-Type", type);
    headers.add(data.consumeBoolean() ? "Cookie" : "User-Agent", data.consumeString(128));
    String path = "/" + data.consumeString(64);
    String query = data.consumeBoolean() ? data.consumeString(256) : null;
    Buffer body = Buffer.buffer(data.consumeRemainingAsBytes());
    Waf.Inspection inspection = WAF.inspect("POST", path, query, headers, body);
    if (inspection.score() < 0) {
      throw new AssertionError("score " + inspection.score() + " with rules " + inspection.rules());
    }
  }
}
