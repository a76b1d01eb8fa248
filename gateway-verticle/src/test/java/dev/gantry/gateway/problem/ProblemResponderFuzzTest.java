package dev.gantry.gateway.problem;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.Failure;
import dev.gantry.gateway.PlainRequest;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What the problem writer is given, from anywhere: any status code, any detail text (services and
 * upstreams write it), the request path, the client's {@code X-Request-Id} and {@code traceparent}
 * (through the envelope, as the gateway takes them), and any content type (gRPC or not). It has no
 * failure of its own: it always writes a 4xx or 5xx problem whose JSON carries the detail as given,
 * or a gRPC status whose {@code grpc-message} is printable ASCII that decodes back to the detail.
 * Header values never carry a line break.
 */
class ProblemResponderFuzzTest {

  @FuzzTest(maxDuration = "5s")
  void anyFailureIsWrittenAsAProblemOrAGrpcStatus(FuzzedDataProvider data) {
    Failure failure = Failure.ofCode(data.consumeInt(0, 999));
    String contentType = data.consumeBoolean() ? "application/grpc" + data.consumeString(8) : data.consumeString(24);
    String requestId = Envelope.start(data.consumeString(140), data.consumeString(64), 1_000, null).requestId();
    String instance = data.consumeBoolean() ? "/" + data.consumeString(64) : null;
    String detail = data.consumeBoolean() ? data.consumeRemainingAsString() : null;
    PlainRequest plain = new PlainRequest("GET", instance == null ? "/" : instance, null);
    plain.headers.add("Content-Type", contentType);
    ProblemResponder.write(plain.request(), failure, detail, instance, requestId);
    if (!plain.ended) {
      throw new AssertionError("no answer written");
    }
    plain.responseHeaders.forEach(h -> {
      if (h.getValue().indexOf('\r') >= 0 || h.getValue().indexOf('\n') >= 0) {
        throw new AssertionError("header " + h.getKey() + " carries a line break: " + h.getValue());
      }
    });
    if (GrpcStatus.isGrpc(plain.request())) {
      String message = plain.responseHeaders.get("grpc-message");
      String expected = failure.title() + (detail == null ? "" : ": " + detail);
      if (plain.status != 200 || !decode(message).equals(new String(expected.getBytes(StandardCharsets.UTF_8),
          StandardCharsets.UTF_8))) {
        throw new AssertionError("gRPC answer " + plain.status + " " + message + " for " + expected);
      }
      return;
    }
    JsonObject body = new JsonObject(plain.body);
    if (plain.status < 400 || plain.status > 599 || body.getInteger("status") != plain.status
        || !java.util.Objects.equals(body.getString("detail"), detail)) {
      throw new AssertionError(plain.status + " " + body + " for " + failure + " " + detail);
    }
  }

  private static String decode(String message) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        throw new AssertionError("grpc-message holds a byte outside printable ASCII: " + message);
      }
      if (c == '%') {
        bytes.write(Integer.parseInt(message.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        bytes.write(c);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
