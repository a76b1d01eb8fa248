package dev.gantry.runtime.metrics;

import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;

/** One Prometheus registry per node, and the Vert.x metrics options that feed it. */
public final class NodeMetrics {
  private NodeMetrics() {}

  /** Vert.x binds the JVM and processor meters itself (see {@link #options()}); these are the rest. */
  public static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new FileDescriptorMetrics().bindTo(registry);
    return registry;
  }

  /**
   * Vert.x's own metrics with bounded labels only: no remote address, no raw path. JVM metrics
   * (memory, GC, threads) come with them. Vert.x's per-request HTTP server and client meters are
   * off: the gateway measures every request itself, per route, and a profile of the proxy path
   * showed Vert.x's meter lookups at about a tenth of its CPU (bench/RESULTS.md).
   */
  public static MicrometerMetricsOptions options() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
        .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
        .addDisabledMetricsCategory(MetricsDomain.NET_SERVER)
        .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME,
            Label.EB_ADDRESS, Label.EB_SIDE, Label.EB_FAILURE, Label.NAMESPACE));
  }
}
