package dev.gantry.gateway.edge;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;

/**
 * The header clock and the idle clock of one HTTP/1.x connection. Two small Netty handlers feed
 * them: one at the front of the pipeline notes that bytes arrived or were written, one beside the
 * codec notes each decoded request, the end of each request body and each finished response.
 * While no request is being received or answered the connection is waiting for headers; past the
 * limit it gets a 408 (when it had started sending something) and is closed. A connection that has
 * been answered waits for its next request under the keep-alive limit instead, until that
 * request's first byte starts the header clock again. A connection where nothing moves either way
 * for the idle limit (a response the client stopped reading, a silent WebSocket) is closed.
 *
 * <p>Neither clock reads the time per request: the handlers only count and flag, and the
 * listener's sweep, which runs every few tens of milliseconds anyway, stamps the time when it first
 * sees a connection waiting or quiet. (Netty's {@code IdleStateHandler}, which Vert.x would
 * otherwise put in the pipeline, reads the clock on every read and turns every write's void
 * promise into a real one to learn when it completed: a few per cent of a bare proxied request's
 * CPU.) A limit is therefore enforced up to one sweep late, as it was already by the sweep.
 */
final class ConnectionWatch {
  private static final byte[] TIMEOUT_BODY = ("{\"type\":\"https://gantry.dev/problems/request-timeout\","
      + "\"title\":\"Request timeout\",\"status\":408,\"detail\":\"headers: not received in time\"}")
      .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TIMEOUT_HEAD = ("HTTP/1.1 408 Request Timeout\r\n"
      + "Content-Type: application/problem+json\r\nContent-Length: " + TIMEOUT_BODY.length
      + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

  /** Requests whose headers were decoded and whose body has not fully arrived. */
  private int receiving;
  /** Requests whose response has not ended. */
  private int answering;
  /** When the connection started waiting for headers, or {@link #UNSTAMPED} until the sweep notes it. */
  private long waitingSince;
  static final long UNSTAMPED = Long.MIN_VALUE;
  /** Reads and writes so far (wrapping is harmless: only a change is looked for). */
  private int moves;
  /** {@link #moves} when the sweep last looked, and since when it has not changed. */
  private int movesSeen;
  private long quietSince;
  private boolean bytesSeen;
  /** A request was answered: until the next request's first byte, the connection is kept alive. */
  private boolean served;
  private ChannelHandlerContext front;
  private final boolean strict;
  private int requests;
  private boolean closing;
  /** Got its 408 (or was closed for silence): the header clock is done with it; the idle clock is not. */
  private boolean timedOut;
  /** Switched protocols (a WebSocket tunnel): no more HTTP requests, so no header clock. */
  private boolean upgraded;

  ConnectionWatch(long now, boolean strict) {
    this.waitingSince = now;
    this.quietSince = now;
    this.strict = strict;
  }

  /** Whether the strict decoder reads this connection. */
  boolean strict() {
    return strict;
  }

  /** Marks the connection as refused: whatever else it sends is not served. */
  void closing() {
    closing = true;
  }

  boolean isClosing() {
    return closing;
  }

  /** Counts a request handed to the guard; returns how many this connection has carried. */
  int nextRequest() {
    return ++requests;
  }

  boolean headersOverdue(long now, long headerLimitMillis, long keepAliveMillis) {
    if (receiving != 0 || answering != 0 || upgraded || timedOut || front == null) {
      return false;
    }
    if (waitingSince == UNSTAMPED) {
      waitingSince = now; // started waiting since the last sweep
      return false;
    }
    return now - waitingSince > (served && !bytesSeen ? keepAliveMillis : headerLimitMillis);
  }

  /** Whether nothing was read or written for longer than {@code idleMillis}, as of this sweep. */
  boolean quietFor(long now, long idleMillis) {
    if (moves != movesSeen || front == null) {
      movesSeen = moves;
      quietSince = now;
      return false;
    }
    return now - quietSince > idleMillis;
  }

  /**
   * Closes the connection without a word (nothing moved on it for the idle limit) — also one whose
   * 408 never went out because the client stopped reading.
   */
  void closeQuiet() {
    timedOut = true;
    front.close();
  }

  /** Answers 408 if the client had begun a request, then closes. */
  void timeOut(long limitMillis) {
    ChannelHandlerContext ctx = front;
    timedOut = true; // once; the idle clock still closes it should the 408 never get out
    if (bytesSeen) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(TIMEOUT_HEAD, TIMEOUT_BODY)).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  /** Nothing open: the clock for the next request's headers starts now (the sweep stamps it). */
  private void idle() {
    waitingSince = UNSTAMPED;
    bytesSeen = false;
    served = true;
  }

  ChannelHandler bytesSeen() {
    return new ChannelDuplexHandler() {
      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        front = ctx;
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        moves++;
        if (served && !bytesSeen && receiving == 0 && answering == 0) {
          waitingSince = UNSTAMPED; // a kept-alive connection's next request begins
        }
        bytesSeen = true;
        ctx.fireChannelRead(msg);
      }

      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        moves++;
        ctx.write(msg, promise);
      }
    };
  }

  private static boolean saysClose(HttpResponse response) {
    String connection = response.headers().get(HttpHeaderNames.CONNECTION);
    return connection != null && (connection.equalsIgnoreCase("close")
        || connection.toLowerCase(java.util.Locale.ROOT).contains("close"));
  }

  ChannelHandler exchanges() {
    return new ChannelDuplexHandler() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
          receiving++;
          answering++;
        }
        if (msg instanceof LastHttpContent && receiving > 0 && --receiving == 0 && answering == 0) {
          idle(); // the body of a request answered early has now been read to its end
        }
        ctx.fireChannelRead(msg);
      }

      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
          if (response.status().code() == 101) {
            upgraded = true;
          } else if (saysClose(response)) {
            // Whoever wrote it (a problem answer whose body was left unread, a policy, draining,
            // a client that asked for it): once an answer says close, requests pipelined behind
            // it are never served (RFC 9112 §9.6) — they may be the rest of an unread body.
            closing = true;
          }
        }
        if (msg instanceof LastHttpContent && answering > 0 && --answering == 0 && receiving == 0) {
          idle();
        }
        ctx.write(msg, promise);
      }
    };
  }
}
