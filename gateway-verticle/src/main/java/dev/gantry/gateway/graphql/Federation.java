package dev.gantry.gateway.graphql;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.SharedMaps;
import dev.gantry.codecs.graphql.SchemaPart;
import graphql.GraphQL;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's GraphQL schema, composed from the parts the cluster's live service instances publish
 * ({@link SharedMaps#GRAPHQL_PARTS}). It recomposes when a part is published or withdrawn
 * ({@link Addresses#GRAPHQL_PARTS_CHANGED}), when a node leaves (its parts are removed from the
 * map), and every {@value #RECHECK_MILLIS} ms in case a change was missed. A composition that
 * refuses parts is logged naming each conflict; when no part can be accepted the last good schema
 * stays. Composing runs off the event loop; the served schema is swapped in whole.
 */
public final class Federation {
  private static final Logger LOG = LoggerFactory.getLogger(Federation.class);
  static final long RECHECK_MILLIS = 5_000;
  /** Key in an execution input's context under which the validated document travels. */
  static final String DOCUMENT = "gantry.document";

  /** What is served: the composition and its executable GraphQL, with a version that grows. */
  public record Served(Composer.Composition composition, GraphQL graphql, long version) {}

  private final Vertx vertx;
  private final PersistedQueries persisted;
  private Context context;
  private Feeds feeds;
  private BusResolvers resolvers;
  private volatile Served served;
  private volatile Map<String, String> refused = Map.of();
  private String fingerprint = "";
  private long version;
  private boolean composing;
  private boolean again;
  private long timer = -1;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  public Federation(Vertx vertx) {
    this.vertx = vertx;
    this.persisted = new PersistedQueries(vertx);
  }

  /** The cluster's persisted queries (the allow-list and APQ), through this node's cache. */
  public PersistedQueries persisted() {
    return persisted;
  }

  /** Starts watching on the calling context; the future completes after the first composition. */
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    feeds = new Feeds(vertx, context);
    resolvers = new BusResolvers(feeds);
    consumers.add(vertx.eventBus().consumer(Addresses.GRAPHQL_PARTS_CHANGED, m -> refresh()));
    consumers.add(vertx.eventBus().<String>localConsumer(Addresses.NODE_LEFT, m -> withdrawNode(m.body())));
    consumers.add(vertx.eventBus().<String>consumer(Addresses.GRAPHQL_PERSISTED_REMOVED, m -> persisted.forget(m.body())));
    timer = vertx.setPeriodic(RECHECK_MILLIS, id -> refresh());
    return Future.join(consumers.stream().map(MessageConsumer::completion).toList()).compose(v -> compose()).mapEmpty();
  }

  /** The schema served now, or null while no service has published a part. */
  public Served served() {
    return served;
  }

  /** Parts refused by the last composition, by service, with the reason. */
  public Map<String, String> refused() {
    return refused;
  }

  /** The admin API's view: version, the parts composed, refusals, the schema as SDL. */
  public JsonObject status() {
    Served now = served;
    JsonObject out = new JsonObject().put("version", now == null ? 0 : now.version())
        .put("refused", new JsonObject(new java.util.LinkedHashMap<>(refused)))
        .put("subscribers", feeds == null ? 0 : feeds.subscribers());
    if (now != null) {
      io.vertx.core.json.JsonArray parts = new io.vertx.core.json.JsonArray();
      now.composition().parts().forEach(p -> parts.add(new JsonObject().put("service", p.service()).put("node", p.node())
          .put("fields", p.fields().size())));
      out.put("parts", parts).put("sdl", new graphql.schema.idl.SchemaPrinter().print(now.composition().schema()));
    }
    return out;
  }

  Feeds feeds() {
    return feeds;
  }

  /** Recomposes soon (coalescing bursts: at most one composition runs at a time). */
  public void refresh() {
    context.runOnContext(v -> {
      if (composing) {
        again = true;
      } else {
        compose();
      }
    });
  }

  private Future<Void> compose() {
    composing = true;
    return parts().compose(parts -> {
      String print = fingerprint(parts);
      if (print.equals(fingerprint)) {
        return Future.<Void>succeededFuture();
      }
      return vertx.executeBlocking(() -> Composer.compose(parts, resolvers::of)).map(outcome -> {
        fingerprint = print;
        apply(outcome);
        return (Void) null;
      });
    }).onFailure(e -> LOG.warn("graphql: could not read the services' schema parts: {}", e.toString()))
        .eventually(() -> {
          composing = false;
          if (again) {
            again = false;
            refresh();
          }
          return Future.succeededFuture();
        }).recover(e -> Future.succeededFuture());
  }

  private void apply(Composer.Outcome outcome) {
    outcome.refused().forEach((service, why) -> LOG.warn("graphql: the schema part of service {} is refused: {}",
        service, why));
    refused = Map.copyOf(outcome.refused());
    if (outcome.composition() == null) {
      if (served != null) {
        LOG.warn("graphql: no valid composition; still serving schema version {}", served.version());
      }
      return;
    }
    PreparsedDocumentProvider validated = (input, parse) -> {
      PreparsedDocumentEntry entry = input.getGraphQLContext().get(DOCUMENT);
      return CompletableFuture.completedFuture(entry != null ? entry : parse.apply(input));
    };
    GraphQL graphql = GraphQL.newGraphQL(outcome.composition().schema()).preparsedDocumentProvider(validated).build();
    served = new Served(outcome.composition(), graphql, ++version);
    LOG.info("graphql: schema version {} composed from {}", version,
        outcome.composition().parts().stream().map(p -> p.service()).sorted().toList());
  }

  /** The live parts: those whose node is a member of the cluster (all of them on a node without one). */
  private Future<List<SchemaPart>> parts() {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(SharedMaps.GRAPHQL_PARTS)
        .compose(AsyncMap::entries).map(entries -> {
          Set<String> members = members();
          List<SchemaPart> parts = new ArrayList<>();
          entries.forEach((id, json) -> {
            try {
              SchemaPart part = SchemaPart.fromJson(json);
              if (members == null || members.contains(part.node())) {
                parts.add(part);
              }
            } catch (RuntimeException e) {
              LOG.warn("graphql: the schema part {} cannot be read: {}", dev.gantry.gateway.observe.SafeText.of(id),
                  e.getMessage());
            }
          });
          return parts;
        });
  }

  private Set<String> members() {
    if (vertx instanceof VertxInternal internal && internal.clusterManager() != null) {
      return new HashSet<>(internal.clusterManager().getNodes());
    }
    return null;
  }

  private static String fingerprint(List<SchemaPart> parts) {
    List<String> each = new ArrayList<>();
    parts.forEach(p -> each.add(p.toJson().put("node", "").encode()));
    each.sort(null);
    return String.join("\n", each);
  }

  /** Removes a departed node's parts (every node may do it; removing twice is harmless) and recomposes. */
  private void withdrawNode(String node) {
    vertx.sharedData().<String, JsonObject>getAsyncMap(SharedMaps.GRAPHQL_PARTS)
        .compose(map -> map.keys().compose(keys -> Future.join(keys.stream().filter(k -> k.endsWith("@" + node))
            .map(map::remove).toList())))
        .onComplete(ar -> refresh());
  }

  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    consumers.forEach(MessageConsumer::unregister);
    if (feeds != null) {
      feeds.close();
    }
  }
}
