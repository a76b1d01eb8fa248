package dev.gantry.gateway.files;

import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerResponse;

/**
 * A file (or a region of it) as a reply: sent with {@code sendFile} when written (no copy through
 * the heap), or read whole through Vert.x's asynchronous file system for a policy that keeps the
 * body (the cache, compression).
 *
 * @param bodyless a HEAD answer: the headers of the GET, no body
 */
record FileReply(Vertx vertx, int status, MultiMap headers, String file, long offset, long length, boolean bodyless)
    implements Reply {

  @Override
  public Future<?> writeTo(HttpServerResponse response, RouteExchange exchange) {
    Reply.set(headers, response.setStatusCode(status).headers());
    if (bodyless || length == 0) {
      return response.end();
    }
    return response.sendFile(file, offset, length);
  }

  @Override
  public Future<Buffered> whole(long max) {
    if (length > max) {
      return Future.succeededFuture(null);
    }
    if (bodyless || length == 0) {
      return Future.succeededFuture(new Buffered(status, headers, Buffer.buffer()));
    }
    return vertx.fileSystem().open(file, new OpenOptions().setRead(true)).compose(f -> f.read(Buffer.buffer((int) length),
        0, offset, (int) length).eventually(f::close)).compose(read -> read.length() == length
        ? Future.succeededFuture(new Buffered(status, headers, read))
        : Future.failedFuture(new IllegalStateException("file " + file + " changed while it was read")));
  }
}
