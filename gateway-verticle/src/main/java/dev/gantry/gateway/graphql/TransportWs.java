package dev.gantry.gateway.graphql;

import dev.gantry.codecs.Envelope;
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
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * One WebSocket speaking {@code graphql-transport-ws}
 * (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md). The client has
 * {@value #INIT_MILLIS} ms to send {@code connection_init}; its payload's string fields (or those
 * of its {@code headers} object) are taken as request headers, and the route's upgrade policies
 * (authentication, authorization, limits) run over them: a refusal closes with 4403. Then each
 * {@code subscribe} runs a query, mutation or subscription under the route's limits, sending
 * {@code next} per result and {@code complete}; {@code complete} from the client stops one.
 * While the socket's write queue is full the client is not read from, so a client that sends
 * without reading (a flood of pings or queries) cannot grow the queue without bound.
 */
final class TransportWs {
  static final String PROTOCOL = "graphql-transport-ws";
  static final long INIT_MILLIS = 10_000;
  /** A subscription's resolvers have no request deadline; each event's get this long. */
  static final long EVENT_DEADLINE_MILLIS = 30_000;
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");
  private static final Pattern ID = Pattern.compile("[\\x21-\\x7e]{1,128}");

  private final Vertx vertx;
  private final ServerWebSocket ws;
  private final RouteExchange upgrade;
  private final RouteSpec route;
  private final GraphqlSpec spec;
  private final PolicyChain chain;
  private final Operations operations;
  private final ServiceClient client;
  private final ProxyState state;
  private final Map<String, Subscription> running = new HashMap<>();
  private final java.util.List<Runnable> whenDrained = new java.util.ArrayList<>();
  private boolean paused;
  private boolean initialised;
  private boolean acknowledged;
  private boolean closed;
  private Envelope envelope;
  private long initTimer;

  TransportWs(Vertx vertx, ServerWebSocket ws, RouteExchange upgrade, RouteSpec route, GraphqlSpec spec,
      PolicyChain chain, Operations operations, ServiceClient client, ProxyState state) {
    this.vertx = vertx;
    this.ws = ws;
    this.upgrade = upgrade;
    this.route = route;
    this.spec = spec;
    this.chain = chain;
    this.operations = operations;
    this.client = client;
    this.state = state;
  }

  void start() {
    initTimer = vertx.setTimer(INIT_MILLIS, id -> close(4408, "Connection initialisation timeout"));
    ws.textMessageHandler(this::message);
    ws.binaryMessageHandler(b -> close(4400, "Binary messages are not part of " + PROTOCOL));
    ws.closeHandler(v -> {
      closed = true;
      vertx.cancelTimer(initTimer);
      running.values().forEach(Subscription::cancel);
      running.clear();
    });
    ws.exceptionHandler(e -> ws.close());
  }

  private void message(String text) {
    JsonObject message;
    try {
      message = Json.decodeValue(text) instanceof JsonObject json ? json : null;
    } catch (DecodeException e) {
      message = null;
    }
    if (message == null || !(message.getValue("type") instanceof String type)) {
      close(4400, "Invalid message: a JSON object with a type is expected");
      return;
    }
    switch (type) {
      case "connection_init" -> init(message.getValue("payload"));
      case "ping" -> send(new JsonObject().put("type", "pong"));
      case "pong" -> { }
      case "subscribe" -> subscribe(message);
      case "complete" -> {
        Subscription s = message.getValue("id") instanceof String id ? running.remove(id) : null;
        if (s != null) {
          s.cancel();
        }
      }
      default -> close(4400, "Invalid message type " + dev.gantry.gateway.observe.SafeText.of(type));
    }
  }

  private void init(Object payload) {
    if (initialised) {
      close(4429, "Too many initialisation requests");
      return;
    }
    initialised = true;
    vertx.cancelTimer(initTimer);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(upgrade.request().headers());
    if (payload instanceof JsonObject p) {
      Object nested = p.getValue("headers");
      JsonObject fields = nested instanceof JsonObject h ? h : p;
      int taken = 0;
      for (Map.Entry<String, Object> e : fields) {
        if (e.getValue() instanceof String value && TOKEN.matcher(e.getKey()).matches() && value.length() <= 8192
            && value.chars().noneMatch(c -> c < 0x20 && c != '\t' || c == 0x7f) && ++taken <= 32) {
          headers.set(e.getKey(), value);
        }
      }
    } else if (payload != null) {
      close(4400, "Invalid message: connection_init's payload must be an object");
      return;
    }
    HttpServerRequest withPayload = new InitRequest((HttpServerRequestInternal) upgrade.request(), headers);
    RouteExchange exchange = new RouteExchange(withPayload, route.id(), upgrade.envelope());
    Reply accepted = Reply.of(101, MultiMap.caseInsensitiveMultiMap(), null);
    chain.runBeforeUpgrade(exchange, ex -> Future.succeededFuture(accepted)).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.succeeded() && ar.result() == accepted) {
        envelope = exchange.envelope();
        acknowledged = true;
        send(new JsonObject().put("type", "connection_ack"));
      } else {
        int status = ar.succeeded() ? ar.result().status() : 500;
        close(status == 401 || status == 403 ? 4403 : status == 429 ? 4429 : 4500,
            status == 401 || status == 403 ? "Forbidden" : status == 429 ? "Too many requests" : "Refused (" + status + ")");
      }
    });
  }

  private void subscribe(JsonObject message) {
    if (!acknowledged) {
      close(4401, "Unauthorized");
      return;
    }
    if (!(message.getValue("id") instanceof String id) || !ID.matcher(id).matches()) {
      close(4400, "Invalid message: subscribe needs an id of 1 to 128 visible characters");
      return;
    }
    if (running.containsKey(id)) {
      close(4409, "Subscriber for " + id + " already exists");
      return;
    }
    if (!(message.getValue("payload") instanceof JsonObject payload)) {
      close(4400, "Invalid message: subscribe needs a payload object");
      return;
    }
    if (running.size() >= spec.maxSubscriptions()) {
      error(id, new JsonArray().add(new JsonObject().put("message", "this connection holds " + running.size()
          + " operations, the limit (max-subscriptions)").put("extensions", new JsonObject().put("code", "MAX_SUBSCRIPTIONS_EXCEEDED"))));
      return;
    }
    GraphqlRequest request;
    try {
      request = GraphqlRequest.fromJson(payload);
    } catch (RuntimeException e) {
      error(id, new JsonArray().add(new JsonObject().put("message", e.getMessage())
          .put("extensions", new JsonObject().put("code", GraphqlTarget.MALFORMED))));
      return;
    }
    Handle handle = new Handle(id);
    running.put(id, handle);
    operations.prepare(request, spec, false).onComplete(ar -> {
      if (handle.cancelled || closed) {
        return;
      }
      if (ar.failed()) {
        running.remove(id);
        error(id, ar.cause() instanceof Operations.Refused r ? r.toJson()
            : ar.cause() instanceof dev.gantry.codecs.ServiceException se ? new JsonArray().add(new JsonObject()
                .put("message", se.getMessage()).put("extensions", new JsonObject().put("code", GraphqlErrors.code(se.failure()))))
            : new JsonArray().add(new JsonObject().put("message", "internal error")));
        return;
      }
      Operations.Prepared prepared = ar.result();
      long deadline = System.currentTimeMillis() + (prepared.subscription() ? EVENT_DEADLINE_MILLIS
          : route.timeoutMillis() > 0 ? route.timeoutMillis() : 30_000);
      ResolverCall call = new ResolverCall(vertx, client, state, route, envelope, deadline, !prepared.mutation());
      Future.fromCompletionStage(operations.execute(prepared, call), vertx.getOrCreateContext()).onComplete(done -> {
        if (handle.cancelled || closed) {
          return;
        }
        if (done.failed()) {
          running.remove(id);
          error(id, new JsonArray().add(new JsonObject().put("message", "internal error")));
          return;
        }
        ExecutionResult result = done.result();
        if (prepared.subscription() && result.getData() instanceof Publisher<?> events) {
          @SuppressWarnings("unchecked")
          Publisher<ExecutionResult> stream = (Publisher<ExecutionResult>) events;
          stream.subscribe(handle);
        } else {
          running.remove(id);
          next(id, result);
          send(new JsonObject().put("type", "complete").put("id", id));
        }
      });
    });
  }

  private void next(String id, ExecutionResult result) {
    send(new JsonObject().put("type", "next").put("id", id).put("payload", new JsonObject(result.toSpecification())));
  }

  private void error(String id, JsonArray errors) {
    send(new JsonObject().put("type", "error").put("id", id).put("payload", errors));
  }

  private void send(JsonObject message) {
    if (closed) {
      return;
    }
    ws.writeTextMessage(message.encode());
    if (ws.writeQueueFull() && !paused) {
      // a client that does not read what it asked for (pongs, results) is not read either, so what
      // it asks for cannot pile up in the write queue without bound
      paused = true;
      ws.pause();
      ws.drainHandler(v -> {
        paused = false;
        ws.resume();
        java.util.List<Runnable> waiting = java.util.List.copyOf(whenDrained);
        whenDrained.clear();
        waiting.forEach(Runnable::run);
      });
    }
  }

  private void close(int code, String reason) {
    if (!closed) {
      closed = true;
      ws.close((short) code, reason.length() > 120 ? reason.substring(0, 120) : reason);
    }
  }

  /** One running operation: the subscriber of a subscription's results, one at a time as the socket drains. */
  private final class Handle implements Subscription, Subscriber<ExecutionResult> {
    private final String id;
    private Subscription upstream;
    private boolean cancelled;

    Handle(String id) {
      this.id = id;
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (cancelled) {
        s.cancel();
        return;
      }
      upstream = s;
      s.request(1);
    }

    @Override
    public void onNext(ExecutionResult result) {
      vertx.runOnContext(v -> {
        if (cancelled || closed) {
          return;
        }
        next(id, result);
        if (paused) {
          whenDrained.add(() -> upstream.request(1));
        } else {
          upstream.request(1);
        }
      });
    }

    @Override
    public void onError(Throwable t) {
      vertx.runOnContext(v -> {
        if (running.remove(id) != null) {
          error(id, new JsonArray().add(new JsonObject().put("message", String.valueOf(t.getMessage()))));
        }
      });
    }

    @Override
    public void onComplete() {
      vertx.runOnContext(v -> {
        if (running.remove(id) != null) {
          send(new JsonObject().put("type", "complete").put("id", id));
        }
      });
    }

    @Override
    public void request(long n) {
    }

    @Override
    public void cancel() {
      cancelled = true;
      if (upstream != null) {
        upstream.cancel();
      }
    }
  }

  /** The upgrade request with the {@code connection_init} payload's headers over its own. */
  private static final class InitRequest extends HttpServerRequestWrapper {
    private final MultiMap headers;

    InitRequest(HttpServerRequestInternal delegate, MultiMap headers) {
      super(delegate);
      this.headers = headers;
    }

    @Override
    public MultiMap headers() {
      return headers;
    }

    @Override
    public String getHeader(String name) {
      return headers.get(name);
    }

    @Override
    public String getHeader(CharSequence name) {
      return headers.get(name);
    }
  }
}
