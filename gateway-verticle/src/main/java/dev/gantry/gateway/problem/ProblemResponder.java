package dev.gantry.gateway.problem;

import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.edge.Framing;
import dev.gantry.gateway.observe.SafeText;
import dev.gantry.gateway.request.RequestEnvelopeHandler;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps any failure to a problem response; unexpected ones are logged here, once. */
public final class ProblemResponder {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemResponder.class);
  public static final String CONTENT_TYPE = "application/problem+json";

  /** Answers failures of every route, and requests no route matched (404, 405). */
  public void mount(Router router) {
    router.route().failureHandler(this::handle);
    router.errorHandler(404, ctx -> respond(ctx, Failure.NOT_FOUND,
        "no route for " + ctx.request().method() + " " + ctx.request().path()));
    router.errorHandler(405, ctx -> respond(ctx, Failure.METHOD_NOT_ALLOWED,
        ctx.request().method() + " is not allowed on " + ctx.request().path()));
  }

  void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ServiceException e) {
      respond(ctx, e.failure(), e.detail());
    } else if (failure == null) {
      Failure f = Failure.ofCode(ctx.statusCode() < 400 ? 500 : ctx.statusCode());
      respond(ctx, f, f == Failure.PAYLOAD_TOO_LARGE ? "request body is larger than allowed" : null);
    } else if (failure instanceof io.vertx.core.http.HttpClosedException
        || failure instanceof io.vertx.core.http.StreamResetException) {
      // The client went away (or its framing broke and its connection was closed): nobody to
      // answer, and nothing the gateway did wrong.
      LOG.debug("client connection closed while serving {}", SafeText.of(ctx.request().path()));
    } else {
      Envelope envelope = RequestEnvelopeHandler.of(ctx);
      String id = envelope == null ? "-" : envelope.requestId();
      LOG.atError().addKeyValue("request_id", id)
          .addKeyValue("trace_id", envelope == null ? "-" : envelope.traceId())
          .setCause(failure)
          .log("unexpected failure serving {} {} (request {})", ctx.request().method(),
              SafeText.of(ctx.request().path()), id);
      respond(ctx, Failure.INTERNAL, "internal error (request " + id + ")");
    }
  }

  static void respond(RoutingContext ctx, Failure failure, String detail) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    HttpServerRequest request = ctx.request();
    if (Framing.bodyUnread(request)) {
      // Answered before its body was read: the rest of the body is not wanted, and reading it as
      // the next request's bytes would be worse. The connection closes after this answer.
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      ctx.addEndHandler(ar -> request.connection().close());
    }
    Envelope envelope = RequestEnvelopeHandler.of(ctx);
    write(request, failure, detail, request.path(), envelope == null ? null : envelope.requestId());
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
