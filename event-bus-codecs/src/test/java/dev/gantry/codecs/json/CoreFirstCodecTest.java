package dev.gantry.codecs.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JSON codec Gantry installs gives what Vert.x's databind codec gives, and creates databind's
 * ObjectMapper only for what jackson-core cannot do.
 */
class CoreFirstCodecTest {
  private static final DatabindCodec DATABIND = new DatabindCodec();

  enum Colour { RED }

  record Point(int x, String label) {}

  private static JsonObject everyKind() {
    return new JsonObject().put("s", "text \"quoted\" \u00e9 \u2028").put("i", 42).put("l", 1L << 40)
        .put("d", 3.25).put("f", 1.5f).put("big", new BigDecimal("12345678901234567890.5"))
        .put("bigint", new BigInteger("123456789012345678901234567890")).put("t", true).put("n", (Object) null)
        .put("at", Instant.parse("2026-11-27T07:00:00Z")).put("bytes", new byte[] {1, 2, 3})
        .put("buffer", Buffer.buffer("abc")).put("colour", Colour.RED)
        .put("list", new JsonArray().add(1).add("two").add(new JsonObject().put("deep", List.of(1, 2))))
        .put("map", Map.of("k", "v")).put("nan", Double.NaN).put("inf", Float.NEGATIVE_INFINITY);
  }

  @Test
  void vertxUsesIt() {
    assertSame(CoreFirstCodec.INSTANCE, Json.CODEC);
  }

  @Test
  void jsonValuesEncodeAsDatabindEncodesThemWithoutCreatingIt() {
    CoreFirstCodec codec = new CoreFirstCodec();
    JsonObject json = everyKind();
    assertEquals(DATABIND.toString(json, false), codec.toString(json, false));
    assertEquals(DATABIND.toString(json, true), codec.toString(json, true));
    assertEquals(DATABIND.toBuffer(json, false), codec.toBuffer(json, false));
    assertEquals(DATABIND.toString(List.of("a", 1), false), codec.toString(List.of("a", 1), false));
    assertEquals(DATABIND.toString("bare", false), codec.toString("bare", false));
    assertFalse(codec.databindCreated());
  }

  @Test
  void jsonTextDecodesAsDatabindDecodesItWithoutCreatingIt() {
    CoreFirstCodec codec = new CoreFirstCodec();
    String text = "{\"a\":[1,2.5,\"x\",{\"b\":null}],\"big\":123456789012345678901234567890,\"l\":1099511627776,"
        + "\"t\":false /* a comment, as Vert.x allows */}";
    assertEquals(DATABIND.fromString(text, Object.class), codec.fromString(text, Object.class));
    assertInstanceOf(JsonObject.class, codec.fromString(text, Object.class));
    assertEquals(DATABIND.fromString(text, Map.class), codec.fromString(text, Map.class));
    assertEquals(DATABIND.fromBuffer(Buffer.buffer("[1,\"x\"]"), Object.class),
        codec.fromBuffer(Buffer.buffer("[1,\"x\"]"), Object.class));
    assertEquals(7L, codec.fromString("7", Long.class));
    assertEquals("s", codec.fromString("\"s\"", String.class));
    assertThrows(DecodeException.class, () -> codec.fromString("{\"a\":1} trailing", Object.class));
    assertThrows(DecodeException.class, () -> codec.fromString("{\"a\":", Object.class));
    assertFalse(codec.databindCreated());
  }

  @Test
  void hostileTextIsRefusedAsDecodeExceptionsNotErrors() {
    CoreFirstCodec codec = new CoreFirstCodec();
    String deep = "[".repeat(100_000) + "]".repeat(100_000); // no stack overflow: Jackson's nesting limit
    assertThrows(DecodeException.class, () -> codec.fromString(deep, Object.class));
    assertThrows(DecodeException.class, () -> codec.fromString("{\"a\":" + "[".repeat(5_000), Object.class));
    String longNumber = "1".repeat(100_000); // Jackson's number-length limit, not a 100,000-digit BigInteger
    assertThrows(DecodeException.class, () -> codec.fromString(longNumber, Object.class));
    assertThrows(DecodeException.class, () -> codec.fromBuffer(Buffer.buffer(new byte[] {'"', (byte) 0xC3, '"'}),
        Object.class), "invalid UTF-8");
    assertThrows(DecodeException.class, () -> codec.fromString("NaN", Object.class));
    assertThrows(DecodeException.class, () -> codec.fromString("", Object.class));
    assertEquals(new JsonObject().put("a", 2), codec.fromString("{\"a\":1,\"a\":2}", Object.class),
        "a repeated key: the last wins, as with databind");
    assertFalse(codec.databindCreated());
  }

  @Test
  void whatOnlyDatabindCanDoGoesToDatabind() {
    CoreFirstCodec codec = new CoreFirstCodec();
    JsonObject withRecord = new JsonObject().put("p", new Point(3, "x")).put("n", 1).put("c", (Object) Character.valueOf('c'));
    assertEquals(DATABIND.toString(withRecord, false), codec.toString(withRecord, false));
    assertTrue(codec.databindCreated());
    assertEquals(new JsonObject().put("a", 1), codec.fromString("{\"a\":1}", JsonObject.class));
    assertEquals(new Point(1, "y"), codec.fromString("{\"x\":1,\"label\":\"y\"}", Point.class));
    assertEquals(new Point(2, "z"), codec.fromValue(Map.of("x", 2, "label", "z"), Point.class));
    assertEquals(new BigDecimal("1.25"), codec.fromString("1.25", BigDecimal.class));
  }
}
