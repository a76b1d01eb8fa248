import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A malformed-request storm: raw HTTP/1.x requests that are wrong in every way a client can make
 * them wrong — random and non-token methods, random bytes, requests cut off (half-closed or left
 * hanging), bad percent-encoding in path and query, conflicting Content-Length / Transfer-Encoding,
 * huge headers and targets, control characters, odd versions, bodies of the wrong type or length,
 * an HTTP/2 preface, garbage pipelined behind a good request — each on a new connection, at the
 * base paths given (proxy routes and service routes alike).
 *
 * <p>JDK only, so a test can run it as a child process:
 * {@code java bench/Storm.java HOST:PORT REQUESTS CONCURRENCY SEED BASE...}
 * (for example {@code /api/products /api/orders /proxied/}); {@code -Dkinds=framing,body} sends only those kinds.
 *
 * <p>Prints {@code STORM requests=… 2xx=… 3xx=… 4xx=… 5xx=… closed=… timeouts=… not-problem=…
 * slowest-ms=… slowest-kind=…}, one {@code KIND name …} line per kind, and up to 60 {@code WRONG} lines (3 of each kind and problem): a 5xx, a
 * timeout (no answer and no close within 20 s), or a 4xx that is not {@code application/problem+json}.
 * A close without an answer counts as {@code closed}: for bytes that are not HTTP it is a fair answer.
 */
public class Storm {
  static final int READ_TIMEOUT_MS = 20_000;
  static final String[] KINDS = {"method", "garbage", "truncated", "percent", "framing", "huge", "control",
      "version", "body", "preface", "pipelined", "host"};

  /** The kinds sent: all, or those named in {@code -Dkinds=framing,body}. */
  static final String[] ONLY = System.getProperty("kinds", String.join(",", KINDS)).split(",");

  record Attack(String kind, byte[] bytes, boolean halfClose) {}

  record Outcome(int status, boolean problem, boolean timedOut, long nanos) {}

  public static void main(String[] args) throws Exception {
    String[] hostPort = args[0].split(":");
    String host = hostPort[0];
    int port = Integer.parseInt(hostPort[1]);
    int requests = Integer.parseInt(args[1]);
    int concurrency = Integer.parseInt(args[2]);
    long seed = Long.parseLong(args[3]);
    String[] bases = java.util.Arrays.copyOfRange(args, 4, args.length);
    if (bases.length == 0) {
      bases = new String[] {"/"};
    }

    AtomicInteger next = new AtomicInteger();
    long[] classes = new long[6];
    long[] counts = new long[3]; // closed, timeouts, not-problem
    Map<String, long[]> perKind = new TreeMap<>();
    List<String> wrong = new ArrayList<>();
    Map<String, Integer> shown = new TreeMap<>();
    long[] slowest = {0};
    String[] slowestKind = {"-"};
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    String[] paths = bases;
    for (int t = 0; t < concurrency; t++) {
      pool.execute(() -> {
        for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
          Attack attack = attack(new Random(seed * 1_000_003L + i), paths);
          Outcome outcome = send(host, port, attack);
          synchronized (classes) {
            long[] k = perKind.computeIfAbsent(attack.kind(), x -> new long[2]);
            k[0]++;
            if (outcome.nanos() > slowest[0]) {
              slowest[0] = outcome.nanos();
              slowestKind[0] = attack.kind() + " " + snippet(attack.bytes());
            }
            String problem = null;
            if (outcome.timedOut()) {
              counts[1]++;
              problem = "timeout";
            } else if (outcome.status() == 0) {
              counts[0]++;
            } else {
              classes[Math.min(5, outcome.status() / 100)]++;
              if (outcome.status() >= 500) {
                problem = Integer.toString(outcome.status());
              } else if (outcome.status() >= 400 && !outcome.problem()) {
                counts[2]++;
                problem = outcome.status() + " not problem+json";
              }
            }
            if (problem != null) {
              k[1]++;
              if (wrong.size() < 60 && shown.merge(attack.kind() + ' ' + problem, 1, Integer::sum) <= 3) {
                wrong.add("WRONG " + problem + " #" + i + " " + attack.kind() + " " + snippet(attack.bytes()));
              }
            }
          }
        }
      });
    }
    pool.shutdown();
    pool.awaitTermination(1, TimeUnit.DAYS);
    System.out.printf(Locale.ROOT, "STORM requests=%d 2xx=%d 3xx=%d 4xx=%d 5xx=%d closed=%d timeouts=%d not-problem=%d "
            + "slowest-ms=%.1f slowest-kind=%s%n", requests, classes[2] + classes[1], classes[3], classes[4], classes[5],
        counts[0], counts[1], counts[2], slowest[0] / 1e6, slowestKind[0]);
    perKind.forEach((kind, k) -> System.out.printf("KIND %s sent=%d wrong=%d%n", kind, k[0], k[1]));
    wrong.forEach(System.out::println);
  }

  static String snippet(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(120, bytes.length); i++) {
      int b = bytes[i] & 0xff;
      out.append(b >= 0x20 && b < 0x7f && b != '\\' ? String.valueOf((char) b) : String.format("\\x%02x", b));
    }
    return bytes.length > 120 ? out + "…(" + bytes.length + " bytes)" : out.toString();
  }

  static Outcome send(String host, int port, Attack attack) {
    long start = System.nanoTime();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), READ_TIMEOUT_MS);
      socket.setSoTimeout(READ_TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(attack.bytes());
        out.flush();
        if (attack.halfClose()) {
          socket.shutdownOutput();
        }
      } catch (IOException e) {
        // the server may close while a huge request is still being written: read what it said
      }
      return read(socket.getInputStream(), start);
    } catch (SocketTimeoutException e) {
      return new Outcome(0, false, true, System.nanoTime() - start);
    } catch (IOException e) {
      return new Outcome(0, false, false, System.nanoTime() - start);
    }
  }

  /** Reads one response head: its status and whether it is problem+json; status 0 for a close. */
  static Outcome read(InputStream in, long start) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4 && head.size() < 65_536) {
      int b;
      try {
        b = in.read();
      } catch (SocketTimeoutException e) {
        throw e;
      } catch (IOException e) {
        b = -1; // reset
      }
      if (b == -1) {
        break;
      }
      head.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
          ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    long nanos = System.nanoTime() - start;
    String text = head.toString(StandardCharsets.ISO_8859_1);
    if (!text.startsWith("HTTP/")) {
      return new Outcome(0, false, false, nanos);
    }
    String[] statusLine = text.substring(0, Math.max(0, text.indexOf('\r'))).split(" ");
    int status = statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : 0;
    boolean problem = text.toLowerCase(Locale.ROOT).contains("\r\ncontent-type: application/problem+json");
    return new Outcome(status, problem, false, nanos);
  }

  // ---- the attacks ----

  static final String[] PCT = {"%", "%%", "%zz", "%4", "%g0", "%c0%af", "%e0%80%ae", "%ff", "%u002e", "%2e%2e",
      "%00", "%0d%0a", "%5c", "%2f", "..%2f", "%%32%65", "%252e", "%c3", "%ed%a0%80", "%F0%9F%98"};
  static final String[] TYPES = {"application/json", "text/plain", "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=zz", "multipart/form-data", "application/xml", "application/json; charset=utf-7",
      "image/png", "*/*", ";;", "application/graphql"};

  static Attack attack(Random r, String[] bases) {
    String base = bases[r.nextInt(bases.length)];
    String kind = ONLY[r.nextInt(ONLY.length)];
    String host = "Host: h\r\n";
    switch (kind) {
      case "method": {
        String method = switch (r.nextInt(6)) {
          case 0 -> randomToken(r, 1 + r.nextInt(12));
          case 1 -> randomToken(r, 3).toLowerCase(Locale.ROOT);
          case 2 -> "G\u0000T";
          case 3 -> "GET" + (char) (0x80 + r.nextInt(0x80));
          case 4 -> "X".repeat(1 + r.nextInt(20_000));
          default -> List.of("CONNECT", "TRACE", "track", "PRI", "PROPFIND", "M-SEARCH", "PURGE", "BREW").get(r.nextInt(8));
        };
        return latin1(kind, method + " " + base + " HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n", false);
      }
      case "garbage": {
        byte[] bytes = new byte[1 + r.nextInt(4096)];
        r.nextBytes(bytes);
        return new Attack(kind, bytes, r.nextBoolean());
      }
      case "truncated": {
        String full = "POST " + base + "?a=1 HTTP/1.1\r\n" + host + "Content-Type: application/json\r\n"
            + "Content-Length: 40\r\nX-Request-Id: abc\r\n\r\n{\"items\":[{\"productId\":1,\"quantity\":1}]}";
        byte[] bytes = full.getBytes(StandardCharsets.ISO_8859_1);
        int cut = 1 + r.nextInt(bytes.length - 1);
        // most half-close; one in five is left hanging, for the header or body timeout to end
        return new Attack(kind, java.util.Arrays.copyOf(bytes, cut), r.nextInt(5) != 0);
      }
      case "percent": {
        StringBuilder path = new StringBuilder(base);
        for (int i = r.nextInt(4); i >= 0; i--) {
          path.append(PCT[r.nextInt(PCT.length)]).append(r.nextBoolean() ? "/" : "x");
        }
        path.append('?').append("q=").append(PCT[r.nextInt(PCT.length)]);
        if (r.nextBoolean()) {
          path.append("&").append(PCT[r.nextInt(PCT.length)]).append("=").append(PCT[r.nextInt(PCT.length)]);
        }
        return latin1(kind, "GET " + path + " HTTP/1.1\r\n" + host + "\r\n", false);
      }
      case "framing": {
        String body = "{\"a\":1}";
        String framing = switch (r.nextInt(12)) {
          case 0 -> "Content-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n7\r\n" + body + "\r\n0\r\n\r\n";
          case 1 -> "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n" + body;
          case 2 -> "Content-Length: 7\r\nContent-Length: 8\r\n\r\n" + body;
          case 3 -> "Content-Length: -1\r\n\r\n" + body;
          case 4 -> "Content-Length: 99999999999999999999\r\n\r\n" + body;
          case 5 -> "Transfer-Encoding: gzip, chunked\r\n\r\n7\r\n" + body + "\r\n0\r\n\r\n";
          case 6 -> "Transfer-Encoding: chunked, identity\r\n\r\n" + body;
          case 7 -> "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n" + body + "\r\n0\r\n\r\n";
          case 8 -> "Transfer-Encoding: chunked\r\n\r\n7;" + "x".repeat(r.nextInt(9000)) + "\r\n" + body + "\r\n0\r\n\r\n";
          case 9 -> "Transfer-Encoding : chunked\r\n\r\n7\r\n" + body + "\r\n0\r\n\r\n";
          case 10 -> "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body + "\r\n0\r\n\r\n";
          default -> "Content-Length: 7\n\n" + body;
        };
        return latin1(kind, "POST " + base + " HTTP/1.1\r\n" + host + "Content-Type: application/json\r\n" + framing,
            r.nextBoolean());
      }
      case "huge": {
        String request = switch (r.nextInt(5)) {
          case 0 -> "GET " + base + " HTTP/1.1\r\n" + host + "X-Big: " + "a".repeat(8_000 + r.nextInt(120_000)) + "\r\n\r\n";
          case 1 -> {
            StringBuilder many = new StringBuilder();
            for (int i = 200 + r.nextInt(2_000); i > 0; i--) {
              many.append("X-H").append(i).append(": v\r\n");
            }
            yield "GET " + base + " HTTP/1.1\r\n" + host + many + "\r\n";
          }
          case 2 -> "GET " + base + "a".repeat(4_000 + r.nextInt(100_000)) + " HTTP/1.1\r\n" + host + "\r\n";
          case 3 -> "GET " + base + "?" + "q=x&".repeat(1_000 + r.nextInt(20_000)) + " HTTP/1.1\r\n" + host + "\r\n";
          default -> "GET " + base + " HTTP/1.1\r\n" + host + "Cookie: " + "c=1; ".repeat(2_000 + r.nextInt(10_000)) + "\r\n\r\n";
        };
        return latin1(kind, request, false);
      }
      case "control": {
        char c = (char) r.nextInt(0x20);
        String request = switch (r.nextInt(6)) {
          case 0 -> "GET " + base + c + "x HTTP/1.1\r\n" + host + "\r\n";
          case 1 -> "GET " + base + " HTTP/1.1\r\n" + host + "X-A: a" + c + "b\r\n\r\n";
          case 2 -> "GET " + base + " HTTP/1.1\r\n" + host + "X" + c + "A: b\r\n\r\n";
          case 3 -> "GET " + base + " HTTP/1.1\r\n" + host + "X-A: b\r\n folded\r\n\r\n";
          case 4 -> "GET " + base + "\u00e9\u00ff HTTP/1.1\r\n" + host + "X-U: \u00ff\u00fe\r\n\r\n";
          default -> "GET " + base + " HTTP/1.1\r\n" + host + ": novalue\r\nX-\u007f: 1\r\n\r\n";
        };
        return latin1(kind, request, false);
      }
      case "version": {
        String version = List.of("HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "http/1.1", "HTTP/1.1x", "HTTP/9.9", "", "HTTP/",
            "HTTP/1.10", "ICE/1.0").get(r.nextInt(10));
        return latin1(kind, "GET " + base + (version.isEmpty() ? "" : " " + version) + "\r\n" + host + "\r\n", true);
      }
      case "body": {
        String type = TYPES[r.nextInt(TYPES.length)];
        byte[] body = switch (r.nextInt(4)) {
          case 0 -> {
            byte[] b = new byte[r.nextInt(70_000)];
            r.nextBytes(b);
            yield b;
          }
          case 1 -> ("{\"items\":" + "[".repeat(r.nextInt(10_000))).getBytes(StandardCharsets.ISO_8859_1);
          case 2 -> "--zz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--zz".getBytes(StandardCharsets.ISO_8859_1);
          default -> "a=%%&b=%zz&c".getBytes(StandardCharsets.ISO_8859_1);
        };
        // the declared length is right, a little short, or longer than what comes (and the client half-closes)
        int declared = switch (r.nextInt(3)) {
          case 0 -> body.length;
          case 1 -> Math.max(0, body.length - 3);
          default -> body.length + 100;
        };
        String head = (r.nextBoolean() ? "POST " : "PUT ") + base + " HTTP/1.1\r\n" + host + "Content-Type: " + type
            + "\r\nContent-Length: " + declared + "\r\n\r\n";
        return new Attack(kind, concat(head.getBytes(StandardCharsets.ISO_8859_1), body), declared > body.length);
      }
      case "preface":
        return latin1(kind, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\u0000\u0000\u0012\u0004\u0000\u0000\u0000\u0000\u0000", true);
      case "pipelined":
        return latin1(kind, "GET " + base + " HTTP/1.1\r\n" + host + "\r\n" + "GET /\u0000 HTTP/1.1\r\n\r\nxyz\r\n", true);
      default: {
        String hosts = switch (r.nextInt(6)) {
          case 0 -> "";
          case 1 -> "Host: a\r\nHost: b\r\n";
          case 2 -> "Host: a:99999\r\n";
          case 3 -> "Host: a b\r\n";
          case 4 -> "Host: [::1\r\n";
          default -> "Host: " + "h".repeat(5_000) + "\r\n";
        };
        return latin1("host", "GET " + base + " HTTP/1.1\r\n" + hosts + "\r\n", false);
      }
    }
  }

  static String randomToken(Random r, int n) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&'*+-.^_`|~0123456789";
    StringBuilder out = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      out.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  static Attack latin1(String kind, String text, boolean halfClose) {
    byte[] bytes = new byte[text.length()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) text.charAt(i);
    }
    return new Attack(kind, bytes, halfClose);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
