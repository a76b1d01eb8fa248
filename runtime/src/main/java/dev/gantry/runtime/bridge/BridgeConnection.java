package dev.gantry.runtime.bridge;

import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.EnvelopeHeaders;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import dev.gantry.discovery.ServiceClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bridge client. Its first frame must carry {@code headers.token}; then it may
 * <ul>
 *   <li>send {@code {"service": name, "version": v}} to {@value #REGISTER} (with a replyAddress) to
 *       run an instance of a service of {@code bridge.services}: calls routed to it arrive as
 *       {@code message} frames addressed {@code gantry.bridge.<service>} whose body is the HTTP call
 *       (method, path, query, headers, base64 body), and it answers by sending
 *       {@code {"status", "headers", "body"}} (or {@code failureCode} and {@code message}) to the
 *       frame's replyAddress before the call's {@code gantry-deadline};</li>
 *   <li>send an HTTP call to {@code gantry.http.<name>} for a service of {@code bridge.calls};</li>
 *   <li>ping.</li>
 * </ul>
 * Anything else gets an {@code err} frame naming what was wrong; a frame that breaks the framing,
 * or a missing or wrong token, also closes the connection. Calls to the client and the socket's
 * own handlers run on different event loops, hence the concurrent maps.
 */
final class BridgeConnection {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeConnection.class);
  static final String REGISTER = "gantry.bridge.register";
  static final long AUTH_MILLIS = 10_000;
  static final int MAX_PENDING = 256;
  static final int MAX_REGISTRATIONS = 8;
  static final long MAX_CALL_TIMEOUT_MILLIS = 60_000;
  private static final Pattern VERSION = Pattern.compile("^[A-Za-z0-9._-]{1,32}$");
  private static final Pattern SERVICE_ADDRESS = Pattern.compile("^gantry\\.http\\.([a-z0-9][a-z0-9-]{0,62})(?:\\.([A-Za-z0-9._-]{1,32}))?$");
  private static final AtomicLong CONNECTIONS = new AtomicLong();

  private record Pending(Promise<HttpReply> promise, long timer, String service) {}

  private final BridgeServer server;
  private final NetSocket socket;
  private final Vertx vertx;
  private final String id = Long.toString(CONNECTIONS.incrementAndGet(), 36);
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final List<String> deployments = new CopyOnWriteArrayList<>();
  private final List<String> services = new CopyOnWriteArrayList<>();
  private final AtomicLong nextReply = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean authenticated;
  private long authTimer = -1;

  BridgeConnection(BridgeServer server, NetSocket socket) {
    this.server = server;
    this.socket = socket;
    this.vertx = server.vertx();
  }

  void start() {
    authTimer = vertx.setTimer(AUTH_MILLIS, t -> {
      if (!authenticated) {
        refuse("auth-timeout", "no frame with headers.token within " + AUTH_MILLIS / 1000 + " s");
      }
    });
    socket.handler(new FrameReader(server.options().maxFrameBytes(), this::frame,
        bad -> refuse("bad-frame", bad.getMessage())));
  }

  private void frame(JsonObject frame) {
    if (closed.get()) {
      return;
    }
    if (socket.writeQueueFull()) {
      // A client that sends without reading its answers: stop reading until it catches up, so
      // what we owe it cannot grow without bound.
      socket.pause();
      socket.drainHandler(v -> socket.resume());
    }
    if (!(frame.getValue("type") instanceof String type)) {
      refuse("bad-frame", "frame without a string \"type\"");
      return;
    }
    if (!authenticated) {
      String offered = frame.getValue("headers") instanceof JsonObject h && h.getValue("token") instanceof String t ? t : null;
      if (offered == null) {
        refuse("no-token", "the first frame must carry headers.token");
        return;
      }
      if (!server.tokenMatches(offered)) {
        refuse("bad-token", "wrong token");
        return;
      }
      authenticated = true;
      vertx.cancelTimer(authTimer);
    }
    switch (type) {
      case "ping" -> write(new JsonObject().put("type", "pong"));
      case "send" -> send(frame);
      case "register", "unregister", "publish" -> denied(null, type + " is not offered by Gantry's bridge; register a service by "
          + "sending {\"service\": name} to " + REGISTER);
      default -> {
        server.refused("unknown-type");
        error(null, "unknown_type: " + printable(type));
      }
    }
  }

  private void send(JsonObject frame) {
    if (!(frame.getValue("address") instanceof String address)) {
      server.refused("missing-address");
      error(null, "missing_address: a send frame needs a string \"address\"");
      return;
    }
    String replyAddress = frame.getValue("replyAddress") instanceof String r ? r : null;
    if (address.equals(REGISTER)) {
      register(frame.getValue("body"), replyAddress);
    } else if (pending.containsKey(address)) {
      answer(address, frame);
    } else if (address.startsWith("gantry.http.")) {
      callOut(address, frame, replyAddress);
    } else {
      denied(replyAddress, "access_denied: " + printable(address));
    }
  }

  private void register(Object body, String replyAddress) {
    if (replyAddress == null) {
      error(null, "a send to " + REGISTER + " needs a replyAddress");
      return;
    }
    if (!(body instanceof JsonObject b) || !(b.getValue("service") instanceof String service)) {
      error(replyAddress, "the body of a registration is {\"service\": name, \"version\": v}");
      return;
    }
    Object v = b.getValue("version", "v1");
    if (!(v instanceof String version) || !VERSION.matcher(version).matches()) {
      error(replyAddress, "version: letters, digits and . _ -, at most 32");
      return;
    }
    if (!server.options().services().contains(service)) {
      denied(replyAddress, "access_denied: service " + printable(service) + " is not in bridge.services");
      return;
    }
    if (deployments.size() >= MAX_REGISTRATIONS) {
      error(replyAddress, "at most " + MAX_REGISTRATIONS + " registrations per connection");
      return;
    }
    vertx.deployVerticle(new BridgeServiceVerticle(service, version, server.context(), this)).onComplete(ar -> {
      if (ar.failed()) {
        error(replyAddress, "could not register " + service + ": " + ar.cause().getMessage());
        return;
      }
      if (closed.get()) {
        vertx.undeploy(ar.result());
        return;
      }
      deployments.add(ar.result());
      services.add(service);
      LOG.info("bridge client {} ({}) registered service {} {}", id, socket.remoteAddress(), service, version);
      write(new JsonObject().put("type", "message").put("address", replyAddress).put("send", true)
          .put("body", new JsonObject().put("service", service).put("version", version)
              .put("node", server.context().nodeId())));
    });
  }

  /** A call routed to a service this client registered. */
  Future<HttpReply> call(String service, HttpCall call, Envelope envelope) {
    if (closed.get()) {
      return Future.failedFuture(new ServiceException(Failure.UNAVAILABLE, "the bridge client of " + service + " is gone"));
    }
    if (pending.size() >= MAX_PENDING || socket.writeQueueFull()) {
      return Future.failedFuture(new ServiceException(Failure.UNAVAILABLE, "the bridge client of " + service + " is busy"));
    }
    String reply = "gantry.bridge.reply." + id + "." + nextReply.incrementAndGet();
    Promise<HttpReply> promise = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, envelope.remainingMillis()), t -> {
      Pending p = pending.remove(reply);
      if (p != null) {
        p.promise().tryFail(new ServiceException(Failure.TIMEOUT, "the bridge client of " + service
            + " did not answer before the request's deadline"));
      }
    });
    pending.put(reply, new Pending(promise, timer, service));
    JsonObject headers = new JsonObject().put(EnvelopeHeaders.REQUEST_ID, envelope.requestId())
        .put(EnvelopeHeaders.TRACEPARENT, envelope.traceparent()).put(EnvelopeHeaders.DEADLINE, String.valueOf(envelope.deadline()))
        .put(EnvelopeHeaders.PRINCIPAL, envelope.principal());
    write(new JsonObject().put("type", "message").put("address", "gantry.bridge." + service).put("replyAddress", reply)
        .put("send", true).put("headers", headers).put("body", call.toJson()));
    return promise.future();
  }

  private void answer(String reply, JsonObject frame) {
    Pending p = pending.remove(reply);
    if (p == null) {
      return; // answered late: its deadline passed a moment ago
    }
    vertx.cancelTimer(p.timer());
    if (frame.getValue("failureCode") != null) {
      int code = frame.getValue("failureCode") instanceof Number n ? n.intValue() : 500;
      String message = frame.getValue("message") instanceof String m ? m : "failed";
      p.promise().tryFail(new ServiceException(Failure.ofCode(code), printable(message)));
      return;
    }
    try {
      if (!(frame.getValue("body") instanceof JsonObject body)) {
        throw new IllegalArgumentException("the body of a reply is {\"status\", \"headers\", \"body\"}");
      }
      HttpReply answer = HttpReply.fromJson(body);
      if (answer.status() < 100 || answer.status() > 599) {
        throw new IllegalArgumentException("status " + answer.status() + " is not an HTTP status");
      }
      p.promise().tryComplete(answer);
    } catch (RuntimeException e) {
      server.refused("bad-reply");
      String why = e instanceof ServiceException s ? s.detail() : e.getMessage();
      error(reply, "bad reply: " + printable(String.valueOf(why)));
      p.promise().tryFail(new ServiceException(Failure.BAD_GATEWAY, "the bridge client of " + p.service()
          + " answered a reply Gantry cannot read"));
    }
  }

  /** The client calls a service of the cluster. */
  private void callOut(String address, JsonObject frame, String replyAddress) {
    Matcher m = SERVICE_ADDRESS.matcher(address);
    if (!m.matches() || !server.options().calls().contains(m.group(1))) {
      denied(replyAddress, "access_denied: " + printable(address) + " (callable: gantry.http.<name> for names in bridge.calls)");
      return;
    }
    if (replyAddress == null) {
      error(null, "a call to " + address + " needs a replyAddress");
      return;
    }
    String caller = services.isEmpty() ? "bridge" : services.get(0);
    String refusal = server.gate().refuse(caller, m.group(1));
    if (refusal != null) {
      server.refused("policy");
      write(errFrame(replyAddress, Failure.FORBIDDEN.code(), refusal));
      return;
    }
    HttpCall call;
    long timeout;
    try {
      if (!(frame.getValue("body") instanceof JsonObject body)) {
        throw new IllegalArgumentException("the body of a call is {\"method\", \"path\", \"query\", \"headers\", \"body\"}");
      }
      call = HttpCall.fromJson(body);
      JsonObject headers = frame.getValue("headers") instanceof JsonObject h ? h : new JsonObject();
      Object t = headers.getValue("timeout", 5_000);
      if (!(t instanceof Number n) || n.longValue() < 1 || n.longValue() > MAX_CALL_TIMEOUT_MILLIS) {
        throw new IllegalArgumentException("headers.timeout: milliseconds from 1 to " + MAX_CALL_TIMEOUT_MILLIS);
      }
      timeout = n.longValue();
    } catch (ServiceException e) {
      error(replyAddress, "bad call: " + printable(e.detail()));
      return;
    } catch (RuntimeException e) {
      error(replyAddress, "bad call: " + printable(String.valueOf(e.getMessage())));
      return;
    }
    JsonObject headers = frame.getJsonObject("headers", new JsonObject());
    Envelope envelope = Envelope.start(str(headers.getValue(EnvelopeHeaders.REQUEST_ID)),
        str(headers.getValue(EnvelopeHeaders.TRACEPARENT)), timeout, "bridge:" + caller);
    new ServiceClient(vertx).<HttpReply>request(address, call, envelope, caller).onComplete(ar -> {
      if (ar.succeeded()) {
        write(new JsonObject().put("type", "message").put("address", replyAddress).put("send", true)
            .put("body", ar.result().body().toJson()));
      } else {
        ServiceException e = ar.cause() instanceof ServiceException s ? s : new ServiceException(Failure.INTERNAL, "failed");
        write(errFrame(replyAddress, e.failure().code(), e.detail()));
      }
    });
  }

  private static String str(Object o) {
    return o instanceof String s ? s : null;
  }

  private void denied(String replyAddress, String message) {
    server.refused("access-denied");
    error(replyAddress, message);
  }

  private void error(String replyAddress, String message) {
    write(errFrame(replyAddress, null, message));
  }

  private static JsonObject errFrame(String address, Integer code, String message) {
    JsonObject err = new JsonObject().put("type", "err").put("message", message);
    if (address != null) {
      err.put("address", address);
    }
    if (code != null) {
      err.put("failureCode", code);
    }
    return err;
  }

  /** Says why, then closes: used when the connection itself cannot go on. */
  private void refuse(String reason, String message) {
    if (closed.get()) {
      return;
    }
    server.refused(reason);
    LOG.warn("bridge client {} ({}) refused: {}", id, socket.remoteAddress(), message);
    write(errFrame(null, null, message)).onComplete(ar -> socket.close());
  }

  private Future<Void> write(JsonObject frame) {
    Buffer json = frame.toBuffer();
    return socket.write(Buffer.buffer(4 + json.length()).appendInt(json.length()).appendBuffer(json));
  }

  /** The socket closed: pending calls fail at once and the registered services leave the catalog. */
  void closed() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    vertx.cancelTimer(authTimer);
    pending.forEach((reply, p) -> {
      vertx.cancelTimer(p.timer());
      p.promise().tryFail(new ServiceException(Failure.UNAVAILABLE, "the bridge client of " + p.service() + " disconnected"));
    });
    pending.clear();
    undeployAll();
  }

  private Future<Void> undeployAll() {
    List<String> ids = List.copyOf(deployments);
    deployments.clear();
    if (!ids.isEmpty()) {
      LOG.info("bridge client {} left; withdrawing {}", id, services);
    }
    return Future.join(ids.stream().map(vertx::undeploy).toList()).mapEmpty();
  }

  Future<Void> close() {
    Future<Void> closing = socket.close();
    closed();
    return closing.eventually(this::undeployAll);
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && i < 200; i++) {
      char c = s.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : "?");
    }
    return out.toString();
  }
}
