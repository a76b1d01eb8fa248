package dev.gantry.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;

/**
 * One call of the gateway to an identity provider (a key set, a discovery document, an
 * introspection), bounded in both ways a provider could hold it: the whole exchange has a
 * deadline (the client's own timeout is an idle timeout, which a server sending a byte every few
 * seconds never trips), and the body has a size cap, counted as it arrives. Past either, the
 * request is reset.
 */
final class BoundedCall {
  /** What came back: the status, the headers and the whole body. */
  record Answer(int status, MultiMap headers, Buffer body) {}

  private BoundedCall() {}

  static Future<Answer> send(Vertx vertx, HttpClient client, RequestOptions options, Buffer body, int maxBytes,
      long deadlineMillis) {
    Promise<Answer> done = Promise.promise();
    HttpClientRequest[] sent = new HttpClientRequest[1];
    long timer = vertx.setTimer(deadlineMillis, id -> {
      if (done.tryFail("no whole answer within " + deadlineMillis + " ms") && sent[0] != null) {
        sent[0].reset();
      }
    });
    client.request(options.setTimeout(Math.min(deadlineMillis, 5_000))).compose(req -> {
      sent[0] = req;
      return body == null ? req.send() : req.send(body);
    }).compose(response -> read(response, maxBytes)).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        done.tryComplete(ar.result());
      } else {
        done.tryFail(ar.cause());
        if (sent[0] != null) {
          sent[0].reset(); // a body past the cap: stop receiving it
        }
      }
    });
    return done.future();
  }

  private static Future<Answer> read(HttpClientResponse response, int maxBytes) {
    String length = response.getHeader("Content-Length");
    if (length != null && length.trim().length() < 12 && length.trim().chars().allMatch(Character::isDigit)
        && Long.parseLong(length.trim()) > maxBytes) {
      return Future.failedFuture("the answer is larger than " + maxBytes + " bytes");
    }
    Buffer received = Buffer.buffer();
    Promise<Answer> read = Promise.promise();
    response.handler(chunk -> {
      if (received.length() + chunk.length() > maxBytes) {
        read.tryFail("the answer is larger than " + maxBytes + " bytes");
        return;
      }
      received.appendBuffer(chunk);
    });
    response.exceptionHandler(read::tryFail);
    response.endHandler(v -> read.tryComplete(new Answer(response.statusCode(), response.headers(), received)));
    return read.future();
  }
}
