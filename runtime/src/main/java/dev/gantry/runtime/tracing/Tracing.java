package dev.gantry.runtime.tracing;

import dev.gantry.config.GantryConfig;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Optional;
import java.util.UUID;

/** Builds the node's OpenTelemetry from configuration. */
public final class Tracing {
  private Tracing() {}

  /** The SDK exporting to {@code tracing.otlp-endpoint}, or empty when tracing is off. */
  public static Optional<OpenTelemetrySdk> fromConfig(GantryConfig config) {
    return config.otlpEndpoint().map(endpoint -> sdk(OtlpHttpSpanExporter.builder()
        .setEndpoint(endpoint.replaceAll("/+$", "") + "/v1/traces").build(), config.samplePercent(), true));
  }

  /** An SDK exporting to {@code exporter}; {@code batch} false exports each span as it ends (tests). */
  public static OpenTelemetrySdk sdk(SpanExporter exporter, int samplePercent, boolean batch) {
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.builder()
        .put("service.name", "gantry")
        .put("service.instance.id", UUID.randomUUID().toString())
        .build()));
    SdkTracerProvider tracer = SdkTracerProvider.builder()
        .setResource(resource)
        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(samplePercent / 100.0)))
        .addSpanProcessor(batch ? BatchSpanProcessor.builder(exporter).build()
            : io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(exporter))
        .build();
    return OpenTelemetrySdk.builder()
        .setTracerProvider(tracer)
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }
}
