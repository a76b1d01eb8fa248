package dev.gantry.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A well-behaved client beside an attack: one GET at a time, each on a new connection (through the
 * accept path a slow-connection attack aims at), due at a fixed interval. A request's latency runs
 * from when it was due, not from when it could be sent, so a stall shows in every request it held
 * up and not only in the one that was waiting (the "coordinated omission" wrk2 corrects). Plain
 * blocking sockets on the test's thread: nothing of the client shares the gateway's event loops.
 */
final class NormalClient {
  private final InetSocketAddress gateway;
  private final InetAddress from;
  private final byte[] request;

  /** Requests {@code path} on the gateway at {@code port} from the local address {@code from}. */
  NormalClient(int port, String path, String from) {
    try {
      this.gateway = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
      this.from = InetAddress.getByName(from);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
    this.request = ("GET " + path + " HTTP/1.1\r\nHost: gantry.test\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** Sends {@code requests} requests as fast as they are answered, to warm the JIT and the upstream pool. */
  Latencies warmUp(int requests) {
    int[] left = {requests};
    return measure(Duration.ZERO, () -> left[0]-- > 0);
  }

  /**
   * Sends a request every {@code interval} while {@code more} holds (asked before each one). A
   * request that takes longer than the interval holds up the ones due meanwhile: each of those is
   * counted as waiting until it ended, as wrk2 and HdrHistogram's expected-interval correction do,
   * so a stall of any length shows in as many latencies as requests fell due during it.
   */
  Latencies measure(Duration interval, BooleanSupplier more) {
    long every = interval.toNanos();
    long[] nanos = new long[1024];
    int count = 0;
    int failures = 0;
    String firstFailure = null;
    long due = System.nanoTime();
    while (more.getAsBoolean()) {
      for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
        LockSupport.parkNanos(due - now); // keeping to the schedule, not waiting for an outcome
      }
      String failure = exchange();
      long end = System.nanoTime();
      if (failure != null) {
        failures++;
        firstFailure = firstFailure == null ? failure : firstFailure;
      }
      long next = due;
      do {
        if (count == nanos.length) {
          nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = end - next;
        next += every;
      } while (every > 0 && next < end);
      due = next;
    }
    return new Latencies(Arrays.copyOf(nanos, count), failures, firstFailure);
  }

  /** One request and its whole response (read to the close the request asked for); what went wrong, or null. */
  private String exchange() {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(from, 0));
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(10_000);
      socket.connect(gateway, 10_000);
      socket.getOutputStream().write(request);
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream(512);
      byte[] buffer = new byte[4096];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        response.write(buffer, 0, n);
      }
      String text = response.toString(StandardCharsets.ISO_8859_1);
      return text.startsWith("HTTP/1.1 200 ") ? null : "answered " + text.lines().findFirst().orElse("nothing");
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** What a run of requests saw: each latency, and the requests not answered 200 (counted in the latencies too). */
  record Latencies(long[] nanos, int failures, String firstFailure) {
    Latencies {
      nanos = nanos.clone();
      Arrays.sort(nanos);
    }

    int count() {
      return nanos.length;
    }

    /** The {@code q} quantile (0..1) by the nearest-rank method, in milliseconds. */
    double quantileMillis(double q) {
      int rank = (int) Math.ceil(q * nanos.length);
      return nanos[Math.max(0, rank - 1)] / 1e6;
    }

    double p99Millis() {
      return quantileMillis(0.99);
    }

    double maxMillis() {
      return nanos[nanos.length - 1] / 1e6;
    }

    @Override
    public String toString() {
      return String.format("%d requests, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d not 200%s", count(),
          quantileMillis(0.5), p99Millis(), maxMillis(), failures,
          firstFailure == null ? "" : " (first: " + firstFailure + ")");
    }
  }
}
