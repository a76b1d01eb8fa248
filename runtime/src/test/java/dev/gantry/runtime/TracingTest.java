package dev.gantry.runtime;

import dev.gantry.codecs.Addresses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.runtime.tracing.Tracing;
import dev.gantry.testkit.Poll;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** One request, one trace: gateway → event bus → service → SQL, across two cluster nodes. */
class TracingTest {

  @Test
  void oneRequestIsOneTraceAcrossTheGatewayTheBusTheServiceAndSql() throws Exception {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OpenTelemetrySdk otel = Tracing.sdk(exporter, 100, false);
    Map<String, String> shared = TestNodes.onKitBackends(TestNodes.uniqueCluster("trace"));
    Map<String, String> gatewayFlags = new HashMap<>(shared);
    gatewayFlags.put("roles", "gateway");
    Gantry gateway = Gantry.start(TestNodes.config(gatewayFlags), otel).await();
    Gantry services = null;
    Vertx vertx = Vertx.vertx();
    try {
      Map<String, String> servicesFlags = new HashMap<>(shared);
      servicesFlags.put("roles", "services");
      servicesFlags.put("cluster.join", "127.0.0.1:" + gateway.clusterPort());
      services = Gantry.start(TestNodes.config(servicesFlags), otel).await();
      exporter.reset();

      String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
      WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(gateway.httpPort()));
      HttpResponse<Buffer> r = client.get("/api/products/1")
          .putHeader("traceparent", "00-" + trace + "-00f067aa0ba902b7-01").send().await();
      assertEquals(200, r.statusCode());
      assertEquals(services.nodeId(), r.getHeader("X-Gantry-Served-By"), "served on the other node");

      // Spans are exported as they end; the gateway's ends only after the response went out.
      Poll.until(vertx, Duration.ofSeconds(10), "the SQL and the gateway span in the trace", () -> {
        List<SpanData> now = spans(exporter, trace);
        return now.stream().anyMatch(s -> s.getKind() == SpanKind.CLIENT
                && String.valueOf(s.getAttributes().asMap()).contains("postgresql"))
            && now.stream().anyMatch(s -> s.getKind() == SpanKind.SERVER && s.getParentSpanContext().getSpanId()
                .equals("00f067aa0ba902b7"));
      });
      List<SpanData> spans = spans(exporter, trace);
      String described = spans.stream().map(s -> s.getKind() + " " + s.getName() + " " + s.getAttributes().asMap())
          .collect(Collectors.joining("\n"));
      assertTrue(spans.stream().anyMatch(s -> s.getKind() == SpanKind.SERVER && s.getName().equals("GET api.products")
          && s.getParentSpanContext().getSpanId().equals("00f067aa0ba902b7")), "gateway span, named by route, under the caller's:\n" + described);
      assertTrue(spans.stream().anyMatch(s -> s.getKind() == SpanKind.CLIENT
          && String.valueOf(s.getAttributes().asMap()).contains(Addresses.httpService("catalog", null))), "the bus send:\n" + described);
      assertTrue(spans.stream().anyMatch(s -> s.getKind() == SpanKind.SERVER
          && String.valueOf(s.getAttributes().asMap()).contains(Addresses.httpService("catalog", null))), "the service side of the bus:\n" + described);
      assertTrue(spans.stream().map(SpanData::getTraceId).allMatch(trace::equals));
    } finally {
      vertx.close().await();
      TestNodes.stop(services);
      TestNodes.stop(gateway);
      otel.close();
    }
  }

  @Test
  void theConfiguredOtlpHttpExporterDeliversTheTraceToACollector() throws Exception {
    Vertx vertx = Vertx.vertx();
    OtlpCollector collector = OtlpCollector.start(vertx);
    Gantry node = null;
    try {
      // The real path: tracing.otlp-endpoint, the batched OTLP/HTTP exporter, protobuf on the wire.
      Map<String, String> flags = TestNodes.onKitBackends(TestNodes.uniqueCluster("otlp"));
      flags.put("tracing.otlp-endpoint", collector.endpoint() + "/");
      node = TestNodes.start(flags);
      String trace = "5bf92f3577b34da6a3ce929d0e0e4737";
      WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.httpPort()));
      HttpResponse<Buffer> r = client.get("/api/products/1")
          .putHeader("traceparent", "00-" + trace + "-00f067aa0ba902b7-01").send().await();
      assertEquals(200, r.statusCode());

      // The batch goes out on the processor's schedule (5 s by default): wait for it, generously.
      Poll.until(vertx, Duration.ofSeconds(60), "the gateway span and the SQL span at the collector", () ->
          collector.spans.stream().anyMatch(s -> s.traceId().equals(trace) && s.kind() == OtlpCollector.SERVER
              && s.name().equals("GET api.products") && s.parentSpanId().equals("00f067aa0ba902b7"))
          && collector.spans.stream().anyMatch(s -> s.traceId().equals(trace) && s.kind() == OtlpCollector.CLIENT
              && s.attributes().toString().contains("postgresql")));
      List<OtlpCollector.Span> inTrace = collector.spans.stream().filter(s -> s.traceId().equals(trace)).toList();
      assertTrue(inTrace.stream().anyMatch(s -> s.kind() == OtlpCollector.CLIENT
          && s.attributes().toString().contains(Addresses.httpService("catalog", null))), "the bus send: " + inTrace);
      assertTrue(inTrace.stream().allMatch(s -> s.spanId().matches("[0-9a-f]{16}")), inTrace.toString());
      assertEquals("gantry", inTrace.get(0).resource().get("service.name"), inTrace.get(0).resource().toString());
      assertTrue(collector.requests.stream().allMatch("POST /v1/traces application/x-protobuf"::equals),
          collector.requests.toString());
    } finally {
      TestNodes.stop(node); // flushes what the batch still holds, to the collector
      collector.close();
      vertx.close().await();
    }
  }

  private static List<SpanData> spans(InMemorySpanExporter exporter, String traceId) {
    return exporter.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
  }
}
