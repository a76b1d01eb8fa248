package dev.gantry.gateway.graphql;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.discovery.ServiceClient;
import dev.gantry.gateway.policy.PolicyChain;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.policy.RouteExchange;
import dev.gantry.gateway.proxy.ProxyState;
import dev.gantry.gateway.spec.GraphqlSpec;
import dev.gantry.gateway.spec.RouteSpec;
import graphql.ExecutionResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A route whose target is {@code graphql:}: the cluster's composed schema served over
 * GraphQL-over-HTTP (POST with JSON; GET for queries), over {@code graphql-transport-ws} on a
 * WebSocket upgrade (subscriptions, with the route's policies run at {@code connection_init}),
 * and GraphiQL under {@code <route>/ui/} when the route enables it.
 *
 * <p>Statuses follow the GraphQL-over-HTTP spec: with {@code Accept: application/graphql-response+json}
 * a request that did not run (unparsable, invalid, over a limit) is a 4xx and one that ran is a
 * 200 (with partial data and errors where a part failed); with {@code application/json} (the
 * default) every well-formed request is a 200.
 */
public final class GraphqlTarget {
  static final String GRAPHQL_RESPONSE = "application/graphql-response+json";
  /** The code of a request that is not a well-formed GraphQL-over-HTTP request: 400 whatever the media type. */
  static final String MALFORMED = "MALFORMED_REQUEST";
  private final Vertx vertx;
  private final ProxyState state;
  private final Supplier<Federation> federation;
  private final ServiceClient client;
  private Operations operations;
  private Federation bound;

  public GraphqlTarget(Vertx vertx, ProxyState state, Supplier<Federation> federation) {
    this.vertx = vertx;
    this.state = state;
    this.federation = federation;
    this.client = new ServiceClient(vertx);
  }

  private Operations operations() {
    Federation now = federation.get();
    if (operations == null || now != bound) {
      bound = now;
      operations = new Operations(now);
    }
    return operations;
  }

  /**
   * Answers one HTTP request. {@code rest} is the path below the route's prefix ("" for the endpoint).
   */
  public Future<Reply> serve(RouteExchange exchange, RouteSpec route, GraphqlSpec spec, String rest, long deadline,
      long maxBody) {
    HttpServerRequest req = exchange.request();
    if (rest.equals("/ui") || rest.startsWith("/ui/")) {
      return spec.graphiql() ? GraphiqlPage.serve(vertx, req, rest, spec)
          : Future.succeededFuture(Reply.problem(Failure.NOT_FOUND, "GraphiQL is not enabled on route " + route.id()));
    }
    if (!rest.isEmpty() && !rest.equals("/")) {
      return Future.succeededFuture(Reply.problem(Failure.NOT_FOUND, "no resource " + req.path()));
    }
    boolean graphqlResponse = acceptsGraphqlResponse(req.getHeader(HttpHeaders.ACCEPT));
    Future<GraphqlRequest> parsed;
    if (req.method() == HttpMethod.GET) {
      req.resume();
      if (req.params().get("query") == null && req.params().get("extensions") == null && spec.graphiql()
          && String.valueOf(req.getHeader(HttpHeaders.ACCEPT)).contains("text/html")) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add(HttpHeaders.LOCATION, req.path().replaceAll("/$", "") + "/ui/");
        return Future.succeededFuture(Reply.of(302, headers, Buffer.buffer()));
      }
      parsed = parse(() -> GraphqlRequest.fromParams(req.params()));
    } else if (req.method() == HttpMethod.POST) {
      String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
      String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (!media.equals("application/json") && !media.equals("application/graphql+json")) {
        return Future.succeededFuture(Reply.problem(Failure.UNSUPPORTED_MEDIA_TYPE,
            "Content-Type: a GraphQL request is application/json, got " + (type == null ? "none" : dev.gantry.gateway.observe.SafeText.of(type))));
      }
      parsed = exchange.body(maxBody, "route " + route.id()).compose(body -> parse(() -> GraphqlRequest.fromBody(body.toString())));
    } else {
      Reply refused = Reply.problem(Failure.METHOD_NOT_ALLOWED, "a GraphQL request is a GET or a POST");
      refused.headers().set(HttpHeaders.ALLOW, "GET, POST");
      return Future.succeededFuture(refused);
    }
    boolean readOnly = req.method() == HttpMethod.GET;
    return parsed.compose(request -> operations().prepare(request, spec, readOnly))
        .compose(prepared -> {
          if (prepared.subscription()) {
            return Future.failedFuture(new Operations.Refused(400, "BAD_REQUEST",
                "a subscription runs over a WebSocket (graphql-transport-ws)", Map.of()));
          }
          exchange.decide("graphql", prepared.operation().getOperation().name().toLowerCase(Locale.ROOT)
              + (prepared.operation().getName() == null ? "" : " " + prepared.operation().getName()));
          ResolverCall call = new ResolverCall(vertx, client, state, route, exchange.envelope(), deadline, !prepared.mutation());
          return Future.fromCompletionStage(operations().execute(prepared, call), vertx.getOrCreateContext())
              .map(result -> {
                exchange.decide("graphql_calls", Integer.toString(call.calls()));
                return answer(result, graphqlResponse);
              });
        })
        .recover(e -> {
          if (e instanceof Operations.Refused refused) {
            exchange.decide("graphql_refused", refused.code == null ? "invalid" : refused.code);
            return Future.succeededFuture(refused(refused, graphqlResponse));
          }
          return Future.failedFuture(e);
        });
  }

  /** Runs {@code read}, turning a malformed request into a request error. */
  private static Future<GraphqlRequest> parse(Supplier<GraphqlRequest> read) {
    try {
      return Future.succeededFuture(read.get());
    } catch (ServiceException e) {
      return Future.failedFuture(new Operations.Refused(400, MALFORMED, e.getMessage(), Map.of()));
    }
  }

  /**
   * Accepts a WebSocket upgrade to {@code graphql-transport-ws}; the route's policies run when the
   * client's {@code connection_init} arrives (with its payload's headers), not before.
   */
  public Future<Reply> upgrade(RouteExchange exchange, RouteSpec route, GraphqlSpec spec, PolicyChain chain) {
    HttpServerRequest req = exchange.request();
    if (!spec.subscriptions()) {
      return Future.succeededFuture(Reply.problem(Failure.BAD_REQUEST, "route " + route.id() + " takes no WebSocket"));
    }
    String protocols = req.getHeader("Sec-WebSocket-Protocol");
    if (protocols == null || java.util.Arrays.stream(protocols.split(",")).map(String::trim)
        .noneMatch(TransportWs.PROTOCOL::equals)) {
      return Future.succeededFuture(Reply.problem(Failure.BAD_REQUEST,
          "Sec-WebSocket-Protocol: a GraphQL WebSocket speaks " + TransportWs.PROTOCOL));
    }
    req.resume();
    return req.toWebSocket().map(ws -> {
      new TransportWs(vertx, ws, exchange, route, spec, chain, operations(), client, state).start();
      return (Reply) null;
    });
  }

  static boolean acceptsGraphqlResponse(String accept) {
    if (accept == null) {
      return false;
    }
    for (String item : accept.split(",")) {
      String[] parts = item.trim().split(";");
      if (parts[0].trim().equalsIgnoreCase(GRAPHQL_RESPONSE)) {
        for (int i = 1; i < parts.length; i++) {
          String p = parts[i].trim().replace(" ", "");
          if (p.equals("q=0") || p.equals("q=0.0") || p.equals("q=0.00") || p.equals("q=0.000")) {
            return false;
          }
        }
        return true;
      }
    }
    return false;
  }

  private static Reply answer(ExecutionResult result, boolean graphqlResponse) {
    Map<String, Object> spec = result.toSpecification();
    // An execution that produced no data entry at all (variables that do not coerce) is a request error.
    int status = graphqlResponse && !spec.containsKey("data") ? 400 : 200;
    return json(status, Json.encodeToBuffer(spec), graphqlResponse);
  }

  /**
   * A request that did not run. One that is not a GraphQL request at all (not JSON, a mutation over
   * GET, no schema yet) is answered as any HTTP error is, problem+json; a GraphQL request error
   * (parse, validation, a limit, a persisted query) as GraphQL errors, with the status its media
   * type calls for.
   */
  private static Reply refused(Operations.Refused refused, boolean graphqlResponse) {
    if (refused.status == 405 || refused.status == 503 || MALFORMED.equals(refused.code)) {
      Reply problem = Reply.problem(Failure.ofCode(refused.status), refused.getMessage());
      if (refused.status == 405) {
        problem.headers().set(HttpHeaders.ALLOW, "POST");
      }
      return problem;
    }
    return json(graphqlResponse ? refused.status : 200, new JsonObject().put("errors", refused.toJson()).toBuffer(),
        graphqlResponse);
  }

  static Reply json(int status, Buffer body, boolean graphqlResponse) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add(HttpHeaders.CONTENT_TYPE, (graphqlResponse ? GRAPHQL_RESPONSE : "application/json") + "; charset=utf-8")
        .add(HttpHeaders.CACHE_CONTROL, "no-store");
    return Reply.of(status, headers, body);
  }
}
