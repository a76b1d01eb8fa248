package dev.gantry.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.x over a plain socket, for requests no well-behaved client would send: every byte is the
 * test's choice (characters of the request text are sent as ISO-8859-1 bytes), and the answer is
 * read as it comes, including whether the server closed the connection after it.
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** What came back: status (0 if the connection closed before any), headers (lower-case names), body. */
  public record Response(int status, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public boolean isProblem() {
      return "application/problem+json".equals(header("content-type"));
    }
  }

  public RawHttp(int port, int timeoutMillis) {
    try {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(timeoutMillis);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code text} on a new connection and reads one response. */
  public static Response exchange(int port, String text) {
    try (RawHttp http = new RawHttp(port, 10_000)) {
      http.send(text);
      return http.read();
    }
  }

  public RawHttp send(String text) {
    try {
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads one response (Content-Length or chunked body); status 0 when the server closed first. */
  public Response read() {
    try {
      String head = readHead();
      if (head == null) {
        return new Response(0, Map.of(), "");
      }
      String[] lines = head.split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
      }
      String body;
      if (headers.containsKey("content-length")) {
        body = new String(in.readNBytes(Integer.parseInt(headers.get("content-length"))), StandardCharsets.UTF_8);
      } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        body = readChunked();
      } else {
        body = "";
      }
      return new Response(status, headers, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the server closed the connection (reads end of stream within the socket timeout). */
  public boolean closedByServer() {
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b;
      try {
        b = in.read();
      } catch (IOException e) {
        b = -1; // reset by the server
      }
      if (b == -1) {
        return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
      }
      head.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
          ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    return text.substring(0, text.length() - 4);
  }

  private String readChunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine();
      int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
      if (size == 0) {
        while (!readLine().isEmpty()) {
          // trailers
        }
        return body.toString(StandardCharsets.UTF_8);
      }
      body.write(in.readNBytes(size));
      readLine();
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }
}
