package dev.gantry.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/2 client that writes frames by hand over cleartext (prior knowledge), for attacks a
 * well-behaved codec would not send: HEADERS+RST_STREAM loops, endless CONTINUATION frames.
 */
final class RawH2 implements AutoCloseable {
  static final int HEADERS = 0x1;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int GOAWAY = 0x7;
  static final int CONTINUATION = 0x9;
  static final int END_STREAM = 0x1;
  static final int END_HEADERS = 0x4;

  /** A frame read from the server. */
  record Frame(int type, int flags, int stream, byte[] payload) {
    long errorCode() {
      int at = type == GOAWAY ? 4 : 0;
      return ((payload[at] & 0xFFL) << 24) | ((payload[at + 1] & 0xFF) << 16) | ((payload[at + 2] & 0xFF) << 8)
          | (payload[at + 3] & 0xFF);
    }
  }

  final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();

  /** Connects in cleartext, sends the preface and empty SETTINGS, and acknowledges the server's SETTINGS. */
  RawH2(int port) throws IOException {
    this(new Socket("127.0.0.1", port));
  }

  /** Over TLS, with ALPN h2 (any certificate trusted). */
  static RawH2 tls(int port) throws Exception {
    javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
    context.init(null, new javax.net.ssl.TrustManager[] {new TlsTestKit.TrustAll()}, new java.security.SecureRandom());
    javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) context.getSocketFactory()
        .createSocket(new Socket("127.0.0.1", port), "127.0.0.1", port, true);
    javax.net.ssl.SSLParameters params = ssl.getSSLParameters();
    params.setApplicationProtocols(new String[] {"h2"});
    ssl.setSSLParameters(params);
    ssl.startHandshake();
    if (!"h2".equals(ssl.getApplicationProtocol())) {
      throw new IOException("ALPN chose " + ssl.getApplicationProtocol());
    }
    return new RawH2(ssl);
  }

  private RawH2(Socket connected) throws IOException {
    socket = connected;
    socket.setSoTimeout(20_000);
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
    out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    write(SETTINGS, 0, 0, new byte[0]);
    Frame f;
    do {
      f = read();
    } while (!(f.type() == SETTINGS && (f.flags() & 1) == 0));
    write(SETTINGS, 1, 0, new byte[0]);
    out.flush();
  }

  static Http2Headers get(String path) {
    return new DefaultHttp2Headers().method("GET").scheme("http").authority("gw.test").path(path);
  }

  /** The HPACK block of {@code headers}. */
  byte[] block(int stream, Http2Headers headers) throws Exception {
    ByteBuf buf = Unpooled.buffer();
    try {
      encoder.encodeHeaders(stream, headers, buf);
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      return bytes;
    } finally {
      buf.release();
    }
  }

  void write(int type, int flags, int stream, byte[] payload) throws IOException {
    byte[] header = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
        (byte) type, (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream};
    out.write(header);
    out.write(payload);
  }

  void rst(int stream, int code) throws IOException {
    write(RST_STREAM, 0, stream, new byte[] {(byte) (code >>> 24), (byte) (code >>> 16), (byte) (code >>> 8), (byte) code});
  }

  void flush() throws IOException {
    out.flush();
  }

  /** The next frame; throws at the end of the stream. */
  Frame read() throws IOException {
    int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
    int type = in.readUnsignedByte();
    int flags = in.readUnsignedByte();
    int stream = in.readInt() & 0x7FFFFFFF;
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(type, flags, stream, payload);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
