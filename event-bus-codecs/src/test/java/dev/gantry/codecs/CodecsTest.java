package dev.gantry.codecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import dev.gantry.codecs.orders.Order;
import dev.gantry.codecs.orders.OrderItem;
import dev.gantry.codecs.orders.OrderLine;
import dev.gantry.codecs.orders.PlaceOrder;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecsTest {

  @Test
  void clusteredFormRoundTripsAndLocalFormIsTheSameObject() {
    Order order = new Order("o-1", "PLACED", List.of(new OrderLine(3, 2, 1999)), 3998, "EUR",
        Instant.parse("2026-11-25T10:00:00Z"));
    WireRecordCodec<Order> codec = new WireRecordCodec<>(Order.class, Order::fromJson);
    Buffer wire = Buffer.buffer().appendString("prefix");
    codec.encodeToWire(wire, order);
    assertEquals(order, codec.decodeFromWire(6, wire));
    assertSame(order, codec.transform(order));
  }

  @Test
  void everyRecordHasOneCodecWithAUniqueName() {
    assertEquals(Codecs.ALL.size(), Codecs.ALL.stream().map(WireRecordCodec::name).distinct().count());
  }

  @Test
  void aShortOrMalformedFrameIsABadRequestNamingTheRecord() {
    WireRecordCodec<Order> codec = new WireRecordCodec<>(Order.class, Order::fromJson);
    assertEquals("Order: frame shorter than its 4-byte length",
        assertThrows(ServiceException.class, () -> codec.decodeFromWire(0, Buffer.buffer())).detail());
    assertEquals("Order: length 99 past the end of the frame (2 bytes left)", assertThrows(ServiceException.class,
        () -> codec.decodeFromWire(0, Buffer.buffer().appendInt(99).appendString("{}"))).detail());
    assertEquals("Order: not a JSON object", assertThrows(ServiceException.class,
        () -> codec.decodeFromWire(0, Buffer.buffer().appendInt(2).appendString("[]"))).detail());
  }

  @Test
  void httpCallAndReplyNameABodyThatIsNotBase64AndHeadersThatAreNotStrings() {
    ServiceException body = assertThrows(ServiceException.class, () -> HttpReply.fromJson(
        new JsonObject("{\"status\":200,\"body\":\"!aGk=\"}")));
    assertEquals(Failure.BAD_REQUEST, body.failure());
    assertTrue(body.detail().startsWith("body: not base64"), body.detail());
    assertEquals("headers: must be an object, got a string", assertThrows(ServiceException.class,
        () -> HttpCall.fromJson(new JsonObject("{\"method\":\"GET\",\"path\":\"/a\",\"headers\":\"x=1\"}"))).detail());
    assertEquals("headers.a: must be a string, got an array", assertThrows(ServiceException.class,
        () -> HttpCall.fromJson(new JsonObject("{\"method\":\"GET\",\"path\":\"/a\",\"headers\":{\"a\":[]}}"))).detail());
    assertEquals("3", HttpCall.fromJson(new JsonObject("{\"method\":\"GET\",\"path\":\"/a\",\"headers\":{\"n\":3}}"))
        .headers().get("n"), "a number is taken as its text, as bridge clients write it");
  }

  @Test
  void placeOrderNamesTheOffendingField() {
    ServiceException wrongType = assertThrows(ServiceException.class, () -> PlaceOrder.fromJson(
        new JsonObject("{\"items\":[{\"productId\":1,\"quantity\":\"two\"}]}")));
    assertEquals(Failure.BAD_REQUEST, wrongType.failure());
    assertEquals("items[0].quantity: must be an integer, got a string", wrongType.detail());

    ServiceException zero = assertThrows(ServiceException.class, () -> PlaceOrder.fromJson(
        new JsonObject("{\"items\":[{\"productId\":1,\"quantity\":1},{\"productId\":2,\"quantity\":0}]}")));
    assertEquals(Failure.UNPROCESSABLE, zero.failure());
    assertTrue(zero.detail().startsWith("items[1].quantity:"), zero.detail());

    ServiceException missing = assertThrows(ServiceException.class,
        () -> PlaceOrder.fromJson(new JsonObject("{}")));
    assertEquals("items: is required", missing.detail());

    assertEquals(List.of(new OrderItem(1, 2)),
        PlaceOrder.fromJson(new JsonObject("{\"items\":[{\"productId\":1,\"quantity\":2}]}")).items());
  }

  @Test
  void envelopeTravelsInHeadersAndContinuesTheCallersTrace() {
    String parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    Envelope sent = Envelope.start("req-7", parent, 2_000, "alice");
    assertEquals("0af7651916cd43dd8448eb211c80319c", sent.traceId());
    MultiMap headers = sent.deliveryOptions().getHeaders();
    Envelope received = Envelope.from(headers);
    assertEquals(sent, received);
    assertTrue(received.remainingMillis() > 0 && received.remainingMillis() <= 2_000);

    Envelope fresh = Envelope.start(null, "garbage", 1_000, null);
    assertEquals(55, fresh.traceparent().length());
    assertTrue(fresh.traceparent().matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"), fresh.traceparent());
    java.util.Set<String> traces = new java.util.HashSet<>();
    java.util.Set<Character> digits = new java.util.HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String t = Envelope.start(null, null, 1_000, null).traceparent();
      assertTrue(t.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"), t);
      assertTrue(!t.substring(3, 35).equals("0".repeat(32)) && !t.substring(36, 52).equals("0".repeat(16)), t);
      traces.add(t.substring(3, 35));
      t.substring(3, 52).chars().forEach(c -> digits.add((char) c));
    }
    assertEquals(10_000, traces.size(), "every new trace id differs");
    assertEquals(17, digits.size(), "all sixteen hex digits (and the dash) appear");
    assertEquals(Envelope.ANONYMOUS, fresh.principal());
    java.util.UUID id = java.util.UUID.fromString(fresh.requestId());
    assertEquals(4, id.version());
    assertEquals(2, id.variant());
    assertTrue(!fresh.requestId().equals(Envelope.start(null, null, 1_000, null).requestId()));
  }

  @Test
  void failureCodesMapOneToOneToHttpStatus() {
    for (Failure f : Failure.values()) {
      assertEquals(f, Failure.ofCode(f.code()));
      assertEquals(f.code(), f.httpStatus());
    }
  }
}
