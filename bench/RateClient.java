import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Fixed-rate (open-loop) load with latency measured the wrk2 way: each request has a time it was
 * due to be sent (start + i / rate) and its latency runs from that time, not from when a free
 * connection finally took it (requests leave within {@link #PACE_NANOS} of their due time, which
 * bounds what the pacing itself adds). A target that stalls therefore shows its stall in every request
 * queued behind it, instead of the load generator politely waiting (coordinated omission).
 *
 * <p>Run with the Gantry jar on the class path (it carries Vert.x and HdrHistogram):
 * {@code java -cp runtime/target/gantry.jar bench/RateClient.java RATE SECONDS CONNECTIONS WARMUP name=URL...}
 * Targets are driven one after the other from one JVM, each warmed up for WARMUP seconds first
 * (the first for {@link #CLIENT_WARMUP_SECONDS} more, while this client itself JIT-compiles).
 *
 * <p>Prints one line a target: {@code RESULT name=… rate=… achieved=… p50=… p90=… p99=… p999=… max=… errors=…}
 * (latencies in microseconds). Two event loops share the rate and the connections, as wrk -t2.
 */
public class RateClient {
  static final int THREADS = 2;
  static final long PACE_NANOS = 200_000;
  /** Sent with every request when set (bench/run sets it for the full-chain route; other targets ignore it). */
  static final String AUTHORIZATION = System.getenv("BENCH_AUTHORIZATION");
  static final int CLIENT_WARMUP_SECONDS = 10;

  public static void main(String[] args) throws Exception {
    double rate = Double.parseDouble(args[0]);
    int seconds = Integer.parseInt(args[1]);
    int connections = Integer.parseInt(args[2]);
    int warmup = Integer.parseInt(args[3]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(THREADS).setPreferNativeTransport(true));
    try {
      for (int i = 4; i < args.length; i++) {
        String name = args[i].substring(0, args[i].indexOf('='));
        URI url = URI.create(args[i].substring(args[i].indexOf('=') + 1));
        Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        long errors = run(vertx, url, rate, seconds, connections, warmup + (i == 4 ? CLIENT_WARMUP_SECONDS : 0), h);
        System.out.printf("RESULT name=%s rate=%.0f achieved=%.1f p50=%d p90=%d p99=%d p999=%d max=%d errors=%d%n",
            name, rate, h.getTotalCount() / (double) seconds, h.getValueAtPercentile(50), h.getValueAtPercentile(90),
            h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(), errors);
      }
    } finally {
      vertx.close().await();
    }
  }

  /** Drives one target; fills {@code into} with the measured latencies and returns the error count. */
  static long run(Vertx vertx, URI url, double rate, int seconds, int connections, int warmup, Histogram into)
      throws InterruptedException {
    Recorder recorder = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
    long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
    long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
    long total = THREADS * (long) ((end - start) * (rate / THREADS) / 1e9);
    String deployment = vertx.deployVerticle(() -> new Sender(url, rate / THREADS, Math.max(1, connections / THREADS),
        start, measureFrom, end, recorder, done, errors), new DeploymentOptions().setInstances(THREADS)).await();
    while (System.nanoTime() < end + TimeUnit.SECONDS.toNanos(10) && done.get() < total) {
      Thread.sleep(50); // the load runs on the event loops; this thread only waits for the last answers
    }
    vertx.undeploy(deployment).await();
    into.add(recorder.getIntervalHistogram());
    return errors.get() + (total - done.get()); // unanswered at the end count as errors
  }

  /**
   * One event loop's share. A pacing thread wakes at each request's due time (a timer tick would
   * add up to its period to every latency) and hands the requests due to the event loop.
   */
  static final class Sender extends VerticleBase {
    private final URI url;
    private final double rate;
    private final int connections;
    private final long start;
    private final long measureFrom;
    private final long end;
    private final Recorder recorder;
    private final AtomicLong done;
    private final AtomicLong errors;
    private HttpClient client;

    Sender(URI url, double rate, int connections, long start, long measureFrom, long end, Recorder recorder,
        AtomicLong done, AtomicLong errors) {
      this.url = url;
      this.rate = rate;
      this.connections = connections;
      this.start = start;
      this.measureFrom = measureFrom;
      this.end = end;
      this.recorder = recorder;
      this.done = done;
      this.errors = errors;
    }

    @Override
    public Future<?> start() {
      // an https:// target is Gantry's TLS listener with its self-signed dev certificate: not verified
      boolean tls = "https".equals(url.getScheme());
      client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
              .setSsl(tls).setTrustAll(tls).setVerifyHost(false),
          new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
      Context loop = context;
      Thread pacer = new Thread(() -> pace(loop), "pacer");
      pacer.setDaemon(true);
      pacer.start();
      return Future.succeededFuture();
    }

    private void pace(Context loop) {
      long sent = 0;
      long total = (long) ((end - start) * rate / 1e9);
      while (sent < total) {
        long now = System.nanoTime();
        long due = Math.min(total, now <= start ? 0 : (long) ((now - start) * rate / 1e9) + 1);
        if (due > sent) {
          long from = sent;
          long to = due;
          loop.runOnContext(v -> {
            for (long i = from; i < to; i++) {
              send(start + (long) (i * 1e9 / rate));
            }
          });
          sent = due;
        }
        long next = start + (long) (sent * 1e9 / rate);
        // Wake at the next due time, but no more often than every PACE_NANOS: each wake-up costs
        // the machine under test a context switch, and the load generator shares its cores.
        LockSupport.parkNanos(Math.max(PACE_NANOS, next - System.nanoTime()));
      }
    }

    private void send(long intended) {
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(url.getHost())
          .setPort(url.getPort()).setURI(url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()))
          .setTimeout(30_000);
      if (AUTHORIZATION != null) {
        options.putHeader("Authorization", AUTHORIZATION);
      }
      client.request(options).compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
          .onComplete(ar -> {
            long latencyMicros = (System.nanoTime() - intended) / 1_000;
            done.incrementAndGet();
            if (ar.failed() || ar.result() >= 400) {
              errors.incrementAndGet();
            } else if (intended >= measureFrom) {
              recorder.recordValue(Math.min(latencyMicros, TimeUnit.SECONDS.toMicros(60)));
            }
          });
    }

    @Override
    public Future<?> stop() {
      return client.close();
    }
  }
}
