package dev.gantry.gateway.problem;

import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.edge.Framing;
import dev.gantry.gateway.observe.SafeText;
import dev.gantry.gateway.request.GatewayCall;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps any failure to a problem response; unexpected ones are logged here, once. */
public final class ProblemResponder {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemResponder.class);
  public static final String CONTENT_TYPE = "application/problem+json";

  /** Answers failures of the admin API's routes, and requests none of them matched (404, 405). */
  public void mount(Router router) {
    router.route().failureHandler(ctx -> answer(ctx.request(), null, ctx.failure(), ctx.statusCode()));
    router.errorHandler(404, ctx -> unrouted(ctx.request(), null));
    router.errorHandler(405, ctx -> notAllowed(ctx.request(), null));
  }

  /** Answers a gateway request that failed. */
  public void failed(GatewayCall call) {
    answer(call.request(), call.envelope(), call.failure(), 500);
  }

  /** 404: no route for the request. */
  public static void unrouted(HttpServerRequest request, Envelope envelope) {
    respond(request, envelope, Failure.NOT_FOUND, "no route for " + request.method() + " " + request.path());
  }

  /** 405: the path is served, not with this method. */
  public static void notAllowed(HttpServerRequest request, Envelope envelope) {
    respond(request, envelope, Failure.METHOD_NOT_ALLOWED, request.method() + " is not allowed on " + request.path());
  }

  /**
   * @param status what a router's {@code fail(int)} asked for when there is no {@code failure}
   */
  private static void answer(HttpServerRequest request, Envelope envelope, Throwable failure, int status) {
    if (failure instanceof ServiceException e) {
      respond(request, envelope, e.failure(), e.detail());
    } else if (failure == null) {
      Failure f = Failure.ofCode(status < 400 ? 500 : status);
      respond(request, envelope, f, f == Failure.PAYLOAD_TOO_LARGE ? "request body is larger than allowed" : null);
    } else if (failure instanceof io.vertx.core.http.HttpClosedException
        || failure instanceof io.vertx.core.http.StreamResetException) {
      // The client went away (or its framing broke and its connection was closed): nobody to
      // answer, and nothing the gateway did wrong.
      LOG.debug("client connection closed while serving {}", SafeText.of(request.path()));
    } else {
      String id = envelope == null ? "-" : envelope.requestId();
      LOG.atError().addKeyValue("request_id", id)
          .addKeyValue("trace_id", envelope == null ? "-" : envelope.traceId())
          .setCause(failure)
          .log("unexpected failure serving {} {} (request {})", request.method(), SafeText.of(request.path()), id);
      respond(request, envelope, Failure.INTERNAL, "internal error (request " + id + ")");
    }
  }

  private static void respond(HttpServerRequest request, Envelope envelope, Failure failure, String detail) {
    HttpServerResponse response = request.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    // Answered before its body was read: the rest of the body is not wanted, and reading it as
    // the next request's bytes would be worse. The connection closes after this answer.
    boolean close = Framing.bodyUnread(request);
    if (close) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    Future<Void> written = write(request, failure, detail, request.path(), envelope == null ? null : envelope.requestId());
    if (close) {
      written.onComplete(ar -> request.connection().close());
    }
  }

  /**
   * Ends the request's response with a problem body; a gRPC request ({@code content-type:
   * application/grpc…}) gets the failure as a gRPC status instead (see {@link GrpcStatus}), since a
   * gRPC client reads {@code grpc-status}, never an HTTP status or a JSON body.
   *
   * @param instance  the request path the problem is about, or null
   * @param requestId the request's id, or null
   */
  public static Future<Void> write(HttpServerRequest request, Failure failure, String detail, String instance,
      String requestId) {
    HttpServerResponse response = request.response();
    if (GrpcStatus.isGrpc(request)) {
      return GrpcStatus.write(response, failure, detail, requestId);
    }
    JsonObject body = failure.problem(detail, instance);
    if (requestId != null) {
      body.put("requestId", requestId);
    }
    return response.setStatusCode(failure.httpStatus())
        .putHeader("Content-Type", CONTENT_TYPE)
        .end(body.toBuffer());
  }
}
