package dev.gantry.gateway.edge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2FrameListenerDecorator;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * Resets an HTTP/2 stream whose {@code :method} is not a token before Vert.x reads it: Vert.x
 * turns such a method into an exception that ends the whole connection, taking every other
 * stream on it along. Installed over Vert.x's frame listener once the connection's settings are
 * read, before any request stream arrives.
 */
final class Http2MethodCheck extends Http2FrameListenerDecorator {
  private final Http2ConnectionHandler handler;

  private Http2MethodCheck(Http2ConnectionHandler handler, Http2FrameListener listener) {
    super(listener);
    this.handler = handler;
  }

  static void install(Http2ConnectionHandler handler) {
    Http2FrameListener current = handler.decoder().frameListener();
    if (current != null && !(current instanceof Http2MethodCheck)) {
      handler.decoder().frameListener(new Http2MethodCheck(handler, current));
    }
  }

  @Override
  public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
      boolean endOfStream) throws Http2Exception {
    if (accepted(ctx, streamId, headers)) {
      super.onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }
  }

  @Override
  public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
      short weight, boolean exclusive, int padding, boolean endOfStream) throws Http2Exception {
    if (accepted(ctx, streamId, headers)) {
      super.onHeadersRead(ctx, streamId, headers, streamDependency, weight, exclusive, padding, endOfStream);
    }
  }

  private boolean accepted(ChannelHandlerContext ctx, int streamId, Http2Headers headers) {
    CharSequence method = headers.method();
    if (method == null || isToken(method)) {
      return true; // a missing :method is Vert.x's to refuse, stream by stream
    }
    handler.encoder().writeRstStream(ctx, streamId, Http2Error.PROTOCOL_ERROR.code(), ctx.newPromise());
    ctx.flush();
    return false;
  }

  private static boolean isToken(CharSequence value) {
    if (value.length() == 0) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      if (!HeaderRules.isTokenChar(value.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
