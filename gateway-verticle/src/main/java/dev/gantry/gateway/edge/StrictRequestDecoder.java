package dev.gantry.gateway.edge;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectDecoder;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * Vert.x's HTTP/1.x request decoder with the rules Netty leaves open:
 * <ul>
 *   <li>the version must be exactly {@code HTTP/1.1} or {@code HTTP/1.0} (400 otherwise: RFC 9112
 *       allows 505, but a 5xx would count what a client sent against the node's error rate);</li>
 *   <li>a request with both {@code Content-Length} and {@code Transfer-Encoding} is marked
 *       invalid (Netty drops the length and goes on), so it is answered 400 and its connection
 *       closed, as RFC 9112 §6.3 allows and request-smuggling defence wants;</li>
 *   <li>a chunk size that does not fit in 31 bits is refused before Netty reads it (Netty's
 *       parser lets a long size wrap around, which would end the body early and read the rest
 *       of it as a new request);</li>
 *   <li>any other broken chunk (a size that is not hex, a chunk line too long) is a 400
 *       {@link ServiceException}, like the rules above, not Netty's exception.</li>
 * </ul>
 * Netty keeps its parser state private; the chunk-size rule reads it through a {@link VarHandle}
 * (the fat jar runs on the class path, where that is allowed) and checks the size line only when
 * the parser is about to read one, so other bytes pay one field read per decode call.
 */
public final class StrictRequestDecoder extends VertxHttpRequestDecoder {
  /** Largest chunk size Netty can hold. */
  static final long MAX_CHUNK_SIZE = Integer.MAX_VALUE;
  private static final VarHandle STATE;
  private static final Object READ_CHUNK_SIZE;
  private static final Object BAD_MESSAGE;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(HttpObjectDecoder.class, MethodHandles.lookup());
      Class<?> states = Class.forName(HttpObjectDecoder.class.getName() + "$State");
      STATE = lookup.findVarHandle(HttpObjectDecoder.class, "currentState", states);
      READ_CHUNK_SIZE = constant(states, "READ_CHUNK_SIZE");
      BAD_MESSAGE = constant(states, "BAD_MESSAGE");
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static Object constant(Class<?> enumType, String name) {
    for (Object value : enumType.getEnumConstants()) {
      if (((Enum<?>) value).name().equals(name)) {
        return value;
      }
    }
    throw new IllegalStateException("Netty's HttpObjectDecoder has no state " + name);
  }

  public StrictRequestDecoder(HttpServerOptions options) {
    super(options);
  }

  /** Only HTTP/1.1 and HTTP/1.0, spelled exactly so (RFC 9112 §2.3): anything else is refused with 400. */
  @Override
  protected HttpMessage createMessage(String[] initialLine) {
    String version = initialLine[2];
    if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
      throw new ServiceException(Failure.BAD_REQUEST, "request line: HTTP version must be HTTP/1.1 or"
          + " HTTP/1.0");
    }
    return super.createMessage(initialLine);
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    message.setDecoderResult(DecoderResult.failure(new ServiceException(Failure.BAD_REQUEST,
        "framing: both Content-Length and Transfer-Encoding")));
    super.handleTransferEncodingChunkedWithContentLength(message);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
    if (STATE.get(this) == READ_CHUNK_SIZE) {
      String wrong = checkChunkSizeLine(buffer);
      if (wrong != null) {
        STATE.set(this, BAD_MESSAGE);
        buffer.skipBytes(buffer.readableBytes());
        HttpContent failed = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
        failed.setDecoderResult(DecoderResult.failure(new ServiceException(Failure.BAD_REQUEST, wrong)));
        out.add(failed);
        return;
      }
    }
    int from = out.size();
    super.decode(ctx, buffer, out);
    for (int i = from; i < out.size(); i++) {
      // a request head that fails (FullHttpRequest is content too) is EdgeGuard's to judge: 400, 414, 431
      if (out.get(i) instanceof HttpContent content && !(content instanceof HttpMessage) && content.decoderResult().isFailure()
          && !(content.decoderResult().cause() instanceof ServiceException)) {
        // A body whose framing breaks after its headers were accepted (a chunk size that is not hex,
        // a chunk line over Netty's limit): the client's mistake, to be refused as one (400, and the
        // connection closed), not passed on as Netty's exception, which reads as the gateway's own failure.
        Throwable cause = content.decoderResult().cause();
        content.setDecoderResult(DecoderResult.failure(new ServiceException(Failure.BAD_REQUEST,
            "framing: invalid chunk (" + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")")));
      }
    }
  }

  /**
   * What is wrong with the chunk-size line at the buffer's reader index, or null when it is
   * fine or not complete yet (Netty waits for the whole line before it parses it).
   */
  static String checkChunkSizeLine(ByteBuf buffer) {
    int from = buffer.readerIndex();
    int lf = buffer.indexOf(from, buffer.writerIndex(), (byte) '\n');
    if (lf < 0) {
      return null;
    }
    long size = 0;
    int start = from;
    while (start < lf && (buffer.getByte(start) & 0xFF) <= ' ') {
      start++; // Netty skips leading whitespace too
    }
    for (int i = start; i < lf; i++) {
      int digit = Character.digit((char) (buffer.getByte(i) & 0xFF), 16);
      if (digit < 0) {
        break; // the end of the digits: Netty judges the rest (extensions, CR)
      }
      size = size * 16 + digit;
      if (size > MAX_CHUNK_SIZE) {
        return "framing: chunk size larger than " + MAX_CHUNK_SIZE;
      }
    }
    return null;
  }
}
