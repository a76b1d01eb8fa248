package dev.gantry.runtime;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver for tests: a real HTTP server on a port of its own that takes what an
 * exporter POSTs to {@code /v1/traces} and decodes the protobuf (by the wire format and the field
 * numbers of opentelemetry-proto's trace.proto, with no generated classes) into {@link Span}s.
 */
final class OtlpCollector implements AutoCloseable {
  /** One exported span; kind as in trace.proto (2 server, 3 client); ids in lowercase hex. */
  record Span(String traceId, String spanId, String parentSpanId, String name, int kind,
      Map<String, String> attributes, Map<String, String> resource) {}

  static final int SERVER = 2;
  static final int CLIENT = 3;

  final Queue<Span> spans = new ConcurrentLinkedQueue<>();
  /** "POST /v1/traces application/x-protobuf" for every request received. */
  final Queue<String> requests = new ConcurrentLinkedQueue<>();
  private HttpServer server;

  private OtlpCollector() {}

  static OtlpCollector start(Vertx vertx) {
    OtlpCollector collector = new OtlpCollector();
    collector.server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      collector.requests.add(req.method() + " " + req.path() + " " + req.getHeader("Content-Type"));
      collector.spans.addAll(decode(body, "gzip".equalsIgnoreCase(req.getHeader("Content-Encoding"))));
      req.response().setStatusCode(200).putHeader("Content-Type", "application/x-protobuf").end();
    })).listen(0, "127.0.0.1").await();
    return collector;
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() {
    server.close().await();
  }

  /** ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; } */
  static List<Span> decode(Buffer body, boolean gzip) {
    byte[] bytes = body.getBytes();
    if (gzip) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
        bytes = in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    List<Span> out = new ArrayList<>();
    for (Field resourceSpans : Field.all(bytes, 1)) {
      // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
      Map<String, String> resource = new LinkedHashMap<>();
      for (Field r : Field.all(resourceSpans.bytes, 1)) {
        attributes(r.bytes, 1, resource); // Resource { repeated KeyValue attributes = 1; }
      }
      for (Field scopeSpans : Field.all(resourceSpans.bytes, 2)) {
        // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
        for (Field span : Field.all(scopeSpans.bytes, 2)) {
          // Span { trace_id 1; span_id 2; parent_span_id 4; name 5; kind 6; attributes 9; }
          Map<String, String> attributes = new LinkedHashMap<>();
          attributes(span.bytes, 9, attributes);
          out.add(new Span(hex(span.bytes, 1), hex(span.bytes, 2), hex(span.bytes, 4), text(span.bytes, 5),
              (int) Field.all(span.bytes, 6).stream().mapToLong(f -> f.varint).findFirst().orElse(0),
              attributes, resource));
        }
      }
    }
    return out;
  }

  /** KeyValue { string key = 1; AnyValue value = 2; }, AnyValue { string 1; bool 2; int 3; double 4; } */
  private static void attributes(byte[] message, int field, Map<String, String> into) {
    for (Field kv : Field.all(message, field)) {
      String key = text(kv.bytes, 1);
      for (Field any : Field.all(kv.bytes, 2)) {
        for (Field v : Field.all(any.bytes, 0)) {
          into.put(key, switch (v.number) {
            case 1 -> new String(v.bytes, java.nio.charset.StandardCharsets.UTF_8);
            case 2 -> Boolean.toString(v.varint != 0);
            case 3 -> Long.toString(v.varint);
            case 4 -> Double.toString(Double.longBitsToDouble(v.varint));
            default -> "(" + v.number + ")";
          });
        }
      }
    }
  }

  private static String hex(byte[] message, int field) {
    List<Field> f = Field.all(message, field);
    return f.isEmpty() ? "" : HexFormat.of().formatHex(f.get(0).bytes);
  }

  private static String text(byte[] message, int field) {
    List<Field> f = Field.all(message, field);
    return f.isEmpty() ? "" : new String(f.get(0).bytes, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** One field of a protobuf message: a varint or fixed value, or length-delimited bytes. */
  private record Field(int number, long varint, byte[] bytes) {
    /** The fields numbered {@code wanted} (0: every field) of {@code message}, in order. */
    static List<Field> all(byte[] message, int wanted) {
      List<Field> fields = new ArrayList<>();
      int[] at = {0};
      while (at[0] < message.length) {
        long tag = varint(message, at);
        int number = (int) (tag >>> 3);
        int type = (int) (tag & 7);
        Field f = switch (type) {
          case 0 -> new Field(number, varint(message, at), null);
          case 1 -> new Field(number, fixed(message, at, 8), null);
          case 5 -> new Field(number, fixed(message, at, 4), null);
          case 2 -> {
            int length = (int) varint(message, at);
            byte[] bytes = java.util.Arrays.copyOfRange(message, at[0], at[0] + length);
            at[0] += length;
            yield new Field(number, 0, bytes);
          }
          default -> throw new IllegalArgumentException("protobuf wire type " + type + " at " + at[0]);
        };
        if (wanted == 0 || number == wanted) {
          fields.add(f);
        }
      }
      return fields;
    }

    private static long varint(byte[] b, int[] at) {
      long value = 0;
      for (int shift = 0; ; shift += 7) {
        byte next = b[at[0]++];
        value |= (long) (next & 0x7f) << shift;
        if (next >= 0) {
          return value;
        }
      }
    }

    private static long fixed(byte[] b, int[] at, int size) {
      long value = 0;
      for (int i = 0; i < size; i++) {
        value |= (long) (b[at[0]++] & 0xff) << (8 * i);
      }
      return value;
    }
  }
}
