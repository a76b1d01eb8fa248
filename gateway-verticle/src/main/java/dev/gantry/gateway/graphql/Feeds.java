package dev.gantry.gateway.graphql;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Subscription feeds of one node: one event-bus consumer per address however many clients
 * subscribe to it (registered with the first, removed with the last), each event fanned out to
 * the subscribers whose argument matches, on the subscriber's own event loop. A subscriber that
 * falls {@value #BUFFERED} events behind is ended with an error rather than buffered without bound.
 */
final class Feeds {
  static final int BUFFERED = 256;
  private final Vertx vertx;
  private final Context home;
  private final Map<String, Feed> feeds = new ConcurrentHashMap<>();

  /** @param home the context the consumers are registered on (the gateway's, so they go with it) */
  Feeds(Vertx vertx, Context home) {
    this.vertx = vertx;
    this.home = home;
  }

  /** Events of {@code address} whose field {@code key} equals {@code value}. */
  Publisher<Object> subscribe(String address, String key, Object value) {
    String wanted = String.valueOf(value);
    return subscriber -> {
      Context context = vertx.getOrCreateContext();
      Sink sink = new Sink(subscriber, context, address, key, wanted);
      subscriber.onSubscribe(sink);
      feeds.compute(address, (a, feed) -> {
        Feed f = feed == null ? new Feed(a) : feed;
        f.sinks.add(sink);
        return f;
      });
    };
  }

  /** How many subscribers are attached, over every address (for the console and tests). */
  int subscribers() {
    return feeds.values().stream().mapToInt(f -> f.sinks.size()).sum();
  }

  void close() {
    feeds.values().forEach(f -> f.sinks.forEach(s -> s.end(null)));
    feeds.clear();
  }

  private void leave(Sink sink) {
    feeds.computeIfPresent(sink.address, (a, feed) -> {
      feed.sinks.remove(sink);
      if (feed.sinks.isEmpty()) {
        feed.stop();
        return null;
      }
      return feed;
    });
  }

  private final class Feed {
    final Set<Sink> sinks = new CopyOnWriteArraySet<>();
    private volatile MessageConsumer<Object> consumer;
    private volatile boolean stopped;

    /** Called inside the map's compute: the registration is queued on home, before any stop's. */
    Feed(String address) {
      home.runOnContext(v -> {
        // Not "feeds.get(address) == this": on home's thread that can run before the compute that
        // creates this feed has stored it, and the feed then never got its consumer (no events, ever).
        if (!stopped) {
          consumer = vertx.eventBus().consumer(address, m -> {
            if (m.body() instanceof JsonObject event) {
              sinks.forEach(s -> s.offer(event));
            }
          });
        }
      });
    }

    void stop() {
      stopped = true;
      home.runOnContext(v -> {
        if (consumer != null) {
          consumer.unregister();
        }
      });
    }
  }

  /** One subscriber's end of a feed, with its demand and a bounded buffer. */
  private final class Sink implements Subscription {
    private final Subscriber<? super Object> subscriber;
    private final Context context;
    private final String address;
    private final String key;
    private final String wanted;
    private final ArrayDeque<Object> buffer = new ArrayDeque<>();
    private long demand;
    private boolean done;

    Sink(Subscriber<? super Object> subscriber, Context context, String address, String key, String wanted) {
      this.subscriber = subscriber;
      this.context = context;
      this.address = address;
      this.key = key;
      this.wanted = wanted;
    }

    void offer(JsonObject event) {
      if (!wanted.equals(String.valueOf(event.getValue(key)))) {
        return;
      }
      Object value = Plain.of(event);
      context.runOnContext(v -> {
        synchronized (this) {
          if (done) {
            return;
          }
          if (buffer.size() >= BUFFERED) {
            end(new IllegalStateException("the subscriber fell " + BUFFERED + " events behind"));
            return;
          }
          buffer.add(value);
        }
        drain();
      });
    }

    private void drain() {
      while (true) {
        Object next;
        synchronized (this) {
          if (done || demand == 0 || buffer.isEmpty()) {
            return;
          }
          demand--;
          next = buffer.poll();
        }
        subscriber.onNext(next);
      }
    }

    @Override
    public void request(long n) {
      synchronized (this) {
        demand = n <= 0 || demand + n < 0 ? Long.MAX_VALUE : demand + n;
      }
      context.runOnContext(v -> drain());
    }

    @Override
    public void cancel() {
      synchronized (this) {
        done = true;
        buffer.clear();
      }
      leave(this);
    }

    void end(Throwable failure) {
      synchronized (this) {
        if (done) {
          return;
        }
        done = true;
        buffer.clear();
      }
      leave(this);
      if (failure == null) {
        subscriber.onComplete();
      } else {
        subscriber.onError(failure);
      }
    }
  }
}
