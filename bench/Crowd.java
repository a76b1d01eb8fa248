import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many connections at once, for memory under hostile load (JDK only):
 * <ul>
 *   <li>{@code java bench/Crowd.java idle HOST:PORT N SECONDS}: opens N connections that send
 *       nothing and holds them for SECONDS (or until the server closes them); prints how many
 *       were open at the peak and how many the server closed;</li>
 *   <li>{@code java bench/Crowd.java bodies HOST:PORT N BYTES PATH}: N requests at once, each a
 *       POST of BYTES (Content-Length, {@code application/json}-looking text) to PATH; prints
 *       the statuses and the slowest.</li>
 * </ul>
 * Prints one line, {@code CROWD …}.
 */
public class Crowd {
  public static void main(String[] args) throws Exception {
    String[] hostPort = args[1].split(":");
    InetSocketAddress address = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
    int n = Integer.parseInt(args[2]);
    if (args[0].equals("idle")) {
      idle(address, n, Long.parseLong(args[3]));
    } else {
      bodies(address, n, Integer.parseInt(args[3]), args[4]);
    }
  }

  static void idle(InetSocketAddress address, int n, long seconds) throws Exception {
    List<Socket> open = new ArrayList<>(n);
    int failed = 0;
    for (int i = 0; i < n; i++) {
      try {
        Socket socket = new Socket();
        socket.connect(address, 10_000);
        socket.setSoTimeout(1);
        open.add(socket);
      } catch (IOException e) {
        failed++;
      }
    }
    System.err.printf("crowd: %d idle connections open%n", open.size());
    long until = System.nanoTime() + seconds * 1_000_000_000L;
    int closedByServer = 0;
    while (System.nanoTime() < until && closedByServer < open.size()) {
      closedByServer = 0;
      for (Socket socket : open) {
        if (socket.isInputShutdown()) {
          closedByServer++;
          continue;
        }
        try {
          if (socket.getInputStream().read() == -1) {
            socket.shutdownInput();
            closedByServer++;
          }
        } catch (java.net.SocketTimeoutException e) {
          // still open, nothing said
        } catch (IOException e) {
          socket.shutdownInput();
          closedByServer++;
        }
      }
      Thread.sleep(200);
    }
    for (Socket socket : open) {
      socket.close();
    }
    System.out.printf("CROWD idle opened=%d failed=%d closed-by-server=%d%n", open.size(), failed, closedByServer);
  }

  static void bodies(InetSocketAddress address, int n, int bytes, String path) throws Exception {
    byte[] body = new byte[bytes];
    byte[] pattern = "{\"k\":\"0123456789abcdef\"},".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < bytes; i++) {
      body[i] = pattern[i % pattern.length];
    }
    Map<Integer, Integer> statuses = new TreeMap<>();
    AtomicLong slowest = new AtomicLong();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Thread t = new Thread(() -> {
        long start = 0;
        int status = 0;
        try (Socket socket = new Socket()) {
          socket.connect(address, 10_000);
          socket.setSoTimeout(60_000);
          go.await();
          start = System.nanoTime();
          OutputStream out = socket.getOutputStream();
          out.write(("POST " + path + " HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: " + bytes
              + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(body);
          out.flush();
          status = status(socket.getInputStream());
        } catch (Exception e) {
          status = status == 0 ? -1 : status;
        }
        long took = System.nanoTime() - start;
        slowest.accumulateAndGet(took, Math::max);
        synchronized (statuses) {
          statuses.merge(status, 1, Integer::sum);
        }
      });
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    System.out.printf(Locale.ROOT, "CROWD bodies n=%d bytes=%d statuses=%s slowest-ms=%.0f%n", n, bytes, statuses,
        slowest.get() / 1e6);
  }

  /** The status of the first response, or -1 when the server closed without one. */
  static int status(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != -1 && b != '\n' && line.length() < 200; b = in.read()) {
      line.append((char) b);
    }
    String[] parts = line.toString().split(" ");
    return parts.length > 1 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : -1;
  }
}
