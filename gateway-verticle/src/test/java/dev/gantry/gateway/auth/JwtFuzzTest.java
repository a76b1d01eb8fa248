package dev.gantry.gateway.auth;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gantry.codecs.Envelope;
import dev.gantry.gateway.PlainRequest;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import dev.gantry.gateway.spec.SpecReader;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Any bearer token through the JWT policy of an issuer with a shared secret: any text after
 * {@code Bearer }, or a header and claims of any text signed with the issuer's secret, so the fuzzer gets past the signature to the claim checks (times, audience,
 * subject, scopes, roles). The documented outcome of a bad token is a 401 (or, malformed, 400) reply from the policy;
 * a good one reaches the next step authenticated. A failed future, an exception or any other status
 * is a crash.
 */
class JwtFuzzTest {
  private static final String ISSUER = "https://idp.example/";
  private static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";
  private static final JwtPolicy POLICY = create();

  private static JwtPolicy create() {
    JwtType type = new JwtType();
    return type.create(type.read(SpecReader.of(new JsonObject().put("issuer", ISSUER).put("secret", SECRET)
        .put("audiences", new io.vertx.core.json.JsonArray().add("shop")), "jwt")), PolicyRuntime.detached());
  }

  /**
   * The first byte picks the form: even, the rest is the token as sent; odd, the rest is the
   * header's JSON, a newline and the claims' JSON, signed here (saved inputs are plain text).
   */
  @FuzzTest(maxDuration = "5s")
  void anyBearerTokenIsRefusedWith401OrAuthenticates(byte[] input) throws GeneralSecurityException {
    if (input.length == 0) {
      return;
    }
    String text = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
    String token;
    int newline = text.indexOf('\n');
    if ((input[0] & 1) == 0 || newline < 0) {
      token = text;
    } else {
      String signingInput = base64(text.substring(0, newline).getBytes(StandardCharsets.UTF_8)) + "."
          + base64(text.substring(newline + 1).getBytes(StandardCharsets.UTF_8));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      token = signingInput + "." + base64(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    }
    PlainRequest plain = new PlainRequest("GET", "/orders", null);
    plain.headers.add("Authorization", "Bearer " + token);
    RouteExchange exchange = new RouteExchange(plain.request(), "orders", Envelope.start(null, null, 1_000, null));
    Future<Reply> reply = POLICY.apply(exchange,
        ex -> Future.succeededFuture(Reply.of(200, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer())));
    if (!reply.isComplete()) {
      throw new AssertionError("the policy did not answer at once for a token signed with a shared secret");
    }
    if (reply.failed()) {
      throw new AssertionError("the policy failed", reply.cause());
    }
    int status = reply.result().status();
    if (status != 400 && status != 401 && !(status == 200 && exchange.principal() != null)) {
      throw new AssertionError("answered " + status + " (principal " + exchange.principal() + ")");
    }
  }

  private static String base64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
