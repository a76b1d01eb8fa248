package dev.gantry.gateway.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DecoratingHttp2ConnectionDecoder;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2FrameReader;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends an HTTP/2 connection whose header block goes on for more CONTINUATION frames than
 * {@code max}: GOAWAY ENHANCE_YOUR_CALM. Netty bounds a header block by its bytes (the header
 * list limit), but not by its frames, so empty CONTINUATION frames sent forever keep a connection
 * busy without end (the CONTINUATION flood, CVE-2024-27316 and its kin).
 *
 * <p>Netty reads CONTINUATION frames inside its frame reader, out of every listener's sight, so
 * this wraps the connection's frame reader: before each read it walks the frames the reader is
 * about to consume, exactly as the reader consumes them (a frame header once its 9 bytes are in,
 * a payload once all of it is), so the two stay aligned. It is installed as the first SETTINGS is
 * read, when the reader stands at a frame boundary. Netty offers no hook for the reader, hence the
 * reflection; should a Netty version lack the fields, the connection is served unguarded and the
 * failure logged once (the flood test would then fail).
 */
final class Http2ContinuationLimit implements Http2FrameReader {
  private static final Logger LOG = LoggerFactory.getLogger(Http2ContinuationLimit.class);
  private static final int HEADERS = 0x1;
  private static final int PUSH_PROMISE = 0x5;
  private static final int CONTINUATION = 0x9;
  private static final int END_HEADERS = 0x4;
  private static volatile boolean warned;

  private final Http2FrameReader reader;
  private final int max;
  private boolean atHeader = true;
  private int payloadLeft;
  private int continuations;
  private boolean synced;

  private Http2ContinuationLimit(Http2FrameReader reader, int max) {
    this.reader = reader;
    this.max = max;
  }

  /** Wraps the connection's frame reader; {@code max} CONTINUATION frames per header block. */
  static void install(Http2ConnectionHandler handler, int max) {
    try {
      Http2ConnectionDecoder decoder = handler.decoder();
      Field delegate = DecoratingHttp2ConnectionDecoder.class.getDeclaredField("delegate");
      delegate.setAccessible(true);
      while (decoder instanceof DecoratingHttp2ConnectionDecoder decorating) {
        decoder = (Http2ConnectionDecoder) delegate.get(decorating);
      }
      if (!(decoder instanceof DefaultHttp2ConnectionDecoder)) {
        throw new IllegalStateException("decoder is a " + decoder.getClass().getName());
      }
      Field readerField = DefaultHttp2ConnectionDecoder.class.getDeclaredField("frameReader");
      readerField.setAccessible(true);
      Http2FrameReader current = (Http2FrameReader) readerField.get(decoder);
      if (!(current instanceof Http2ContinuationLimit)) {
        readerField.set(decoder, new Http2ContinuationLimit(current, max));
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (!warned) {
        warned = true;
        LOG.warn("HTTP/2 CONTINUATION frames are not counted on this Netty version: {}", e.toString());
      }
    }
  }

  /**
   * Takes the reader's own position on the first read: the bytes that came with the first
   * SETTINGS were read on by the reader itself, and may have left it inside a frame's payload
   * (a large HEADERS split across two reads), whose header it has consumed already.
   */
  private void sync() {
    synced = true;
    if (!(reader instanceof io.netty.handler.codec.http2.DefaultHttp2FrameReader)) {
      return;
    }
    try {
      Class<?> type = io.netty.handler.codec.http2.DefaultHttp2FrameReader.class;
      Field readingHeaders = type.getDeclaredField("readingHeaders");
      Field payloadLength = type.getDeclaredField("payloadLength");
      readingHeaders.setAccessible(true);
      payloadLength.setAccessible(true);
      if (!readingHeaders.getBoolean(reader)) {
        atHeader = false;
        payloadLeft = payloadLength.getInt(reader);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("cannot read the HTTP/2 frame reader's position: {}", e.toString());
    }
  }

  @Override
  public void readFrame(ChannelHandlerContext ctx, ByteBuf input, Http2FrameListener listener) throws Http2Exception {
    if (!synced) {
      sync();
    }
    int at = input.readerIndex();
    int end = input.writerIndex();
    while (true) {
      if (atHeader) {
        if (end - at < 9) {
          break;
        }
        payloadLeft = input.getUnsignedMedium(at);
        int type = input.getUnsignedByte(at + 3);
        int flags = input.getUnsignedByte(at + 4);
        at += 9;
        atHeader = false;
        count(type, flags);
      }
      if (end - at < payloadLeft) {
        break; // the reader waits for the whole payload, and so does this walk
      }
      at += payloadLeft;
      atHeader = true;
    }
    reader.readFrame(ctx, input, listener);
  }

  private void count(int type, int flags) throws Http2Exception {
    if (type == HEADERS || type == PUSH_PROMISE) {
      continuations = 0;
    } else if (type == CONTINUATION && ++continuations > max) {
      throw Http2Exception.connectionError(Http2Error.ENHANCE_YOUR_CALM,
          "a header block continued over more than %d CONTINUATION frames", max);
    }
    if ((type == HEADERS || type == CONTINUATION || type == PUSH_PROMISE) && (flags & END_HEADERS) != 0) {
      continuations = 0;
    }
  }

  @Override
  public Configuration configuration() {
    return reader.configuration();
  }

  @Override
  public void close() {
    reader.close();
  }
}
