package dev.gantry.gateway.admin;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.SharedMaps;
import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.problem.ProblemResponder;
import dev.gantry.gateway.route.RouteTable;
import dev.gantry.gateway.spec.GatewaySpec;
import dev.gantry.gateway.spec.RouteSpec;
import dev.gantry.gateway.spec.SpecReader;
import dev.gantry.gateway.spec.UpstreamSpec;
import dev.gantry.gateway.store.SpecStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * {@code /admin/routes}, {@code /admin/upstreams}, {@code /admin/spec}, {@code /admin/status},
 * {@code /admin/openapi.json}. Writes go through the {@link SpecStore}: a refused change leaves
 * the running table untouched; an accepted one reaches every gateway node of the cluster.
 */
public final class AdminApi {
  private final byte[] token;
  private final SpecStore store;
  private final Supplier<GatewaySpec> current;
  private final Supplier<JsonObject> status;
  private final Buffer openApi;
  private final Supplier<String> metrics;
  private Buffer console;
  private Supplier<JsonObject> stats;
  private Supplier<io.vertx.core.Future<String>> jwks;
  private Supplier<dev.gantry.gateway.auth.ApiKeyStore> apiKeys;
  private dev.gantry.gateway.graphql.Federation federation;

  public AdminApi(String token, SpecStore store, Supplier<GatewaySpec> current, Supplier<JsonObject> status,
      Buffer openApi, Supplier<String> metrics) {
    this.token = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    this.store = store;
    this.current = current;
    this.status = status;
    this.openApi = openApi;
    this.metrics = metrics;
  }

  /**
   * Adds the web console: {@code GET /console} (the page itself, which holds no data and asks for
   * the token), and the token-protected data it polls: {@code /admin/stats}, {@code /admin/cluster}.
   */
  public AdminApi withConsole(Buffer page, Supplier<JsonObject> routeStats) {
    this.console = page;
    this.stats = routeStats;
    return this;
  }

  /**
   * Serves the dev signing key's public half at {@code /.well-known/jwks.json}, without the admin
   * token (it is public by nature): another gateway node, or a service, can verify dev tokens.
   */
  public AdminApi withJwks(Supplier<io.vertx.core.Future<String>> keySet) {
    this.jwks = keySet;
    return this;
  }

  /**
   * Adds {@code POST /admin/api-keys} (issue: the key is in this one answer only),
   * {@code GET /admin/api-keys} (list, without secrets) and {@code DELETE /admin/api-keys/{id}}
   * (revoke, on every node). {@code store} gives null when the gateway has no Postgres.
   */
  public AdminApi withApiKeys(Supplier<dev.gantry.gateway.auth.ApiKeyStore> store) {
    this.apiKeys = store;
    return this;
  }

  /**
   * Adds {@code GET /admin/graphql} (the composed schema's SDL, version, parts and refusals) and the
   * GraphQL allow-list: {@code POST /admin/graphql/persisted} with {@code {"query": …}} (answers its
   * {@code sha256Hash}), {@code GET /admin/graphql/persisted}, {@code DELETE /admin/graphql/persisted/{hash}}.
   */
  public AdminApi withGraphql(dev.gantry.gateway.graphql.Federation federation) {
    this.federation = federation;
    return this;
  }

  private dev.gantry.gateway.graphql.Federation federation() {
    if (federation == null) {
      throw new ServiceException(Failure.NOT_FOUND, "no GraphQL on this node");
    }
    return federation;
  }

  private dev.gantry.gateway.auth.ApiKeyStore keyStore() {
    dev.gantry.gateway.auth.ApiKeyStore store = apiKeys == null ? null : apiKeys.get();
    if (store == null) {
      throw new ServiceException(Failure.UNAVAILABLE, "API keys need Postgres (pg.url); this gateway has none");
    }
    return store;
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    if (jwks != null) {
      router.get("/.well-known/jwks.json").handler(ctx -> jwks.get().onSuccess(keys -> ctx.response()
          .putHeader("Content-Type", "application/jwk-set+json").putHeader("Cache-Control", "max-age=300")
          .end(keys)).onFailure(ctx::fail));
    }
    if (console != null) {
      router.get("/console").handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
          .putHeader("Cache-Control", "no-store").end(console));
    }
    router.route("/admin/*").handler(this::authenticate);
    router.route("/metrics").handler(this::authenticate);
    router.get("/metrics").handler(ctx -> {
      if (metrics == null) {
        throw new ServiceException(Failure.NOT_FOUND, "metrics are not collected on this node");
      }
      ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.get());
    });
    router.route("/admin/*").handler(BodyHandler.create(false).setBodyLimit(1 << 20));
    router.get("/admin/openapi.json").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/json").end(openApi));
    router.get("/admin/status").handler(ctx -> ctx.json(status.get()));
    router.post("/admin/cache/purge").handler(ctx -> {
      JsonObject body = body(ctx);
      SpecReader read = SpecReader.of(body, "");
      read.only(java.util.Set.of("key", "prefix", "tag"));
      if (body.size() != 1) {
        throw SpecReader.invalid("body", "give exactly one of key, prefix or tag");
      }
      String name = body.fieldNames().iterator().next();
      String value = read.string(name);
      if (value.length() > 2048 || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw SpecReader.invalid(name, "at most 2048 characters, no control characters");
      }
      if (!name.equals("tag") && !value.startsWith("/")) {
        throw SpecReader.invalid(name, "a path, starting with /");
      }
      JsonObject purge = new JsonObject().put(name, value);
      vertx.eventBus().publish(dev.gantry.codecs.Addresses.CACHE_PURGE, purge); // every node, this one included
      ctx.response().setStatusCode(202);
      ctx.json(new JsonObject().put("purge", purge));
    });
    router.post("/admin/api-keys").handler(ctx -> {
      JsonObject body = body(ctx);
      SpecReader read = SpecReader.of(body, "");
      read.only(java.util.Set.of("consumer", "scopes", "expires-in-seconds"));
      String consumer = read.string("consumer");
      java.util.List<String> scopes = read.strings("scopes");
      long ttl = read.integer("expires-in-seconds", 0, 1, 10L * 365 * 86_400);
      keyStore().issue(consumer, scopes, ttl == 0 ? null : java.time.Instant.now().plusSeconds(ttl))
          .onSuccess(issued -> ctx.response().setStatusCode(201).putHeader("Cache-Control", "no-store")
              .putHeader("Content-Type", "application/json").end(issued.encode()))
          .onFailure(ctx::fail);
    });
    router.get("/admin/api-keys").handler(ctx -> keyStore().list()
        .onSuccess(all -> ctx.json(new JsonObject().put("apiKeys", all))).onFailure(ctx::fail));
    router.delete("/admin/api-keys/:id").handler(ctx -> keyStore().revoke(ctx.pathParam("id"))
        .onSuccess(found -> {
          if (found) {
            ctx.response().setStatusCode(204).end();
          } else {
            ctx.fail(new ServiceException(Failure.NOT_FOUND, "id: no API key " + ctx.pathParam("id")));
          }
        }).onFailure(ctx::fail));
    router.get("/admin/graphql").handler(ctx -> ctx.json(federation().status()));
    router.post("/admin/graphql/persisted").handler(ctx -> {
      JsonObject body = body(ctx);
      SpecReader read = SpecReader.of(body, "");
      read.only(java.util.Set.of("query"));
      String query = read.string("query");
      if (query.isBlank() || query.length() > 1 << 20) {
        throw SpecReader.invalid("query", "a GraphQL document of 1 byte to 1 MiB");
      }
      federation().persisted().allow(query)
          .onSuccess(hash -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("sha256Hash", hash).encode()))
          .onFailure(ctx::fail);
    });
    router.get("/admin/graphql/persisted").handler(ctx -> federation().persisted().list()
        .onSuccess(all -> ctx.json(new JsonObject().put("persisted", all))).onFailure(ctx::fail));
    router.delete("/admin/graphql/persisted/:hash").handler(ctx -> {
      String hash = ctx.pathParam("hash");
      if (!hash.matches("[0-9a-f]{64}")) {
        throw SpecReader.invalid("hash", "64 lower-case hex digits");
      }
      federation().persisted().disallow(hash).onSuccess(found -> {
        vertx.eventBus().publish(dev.gantry.codecs.Addresses.GRAPHQL_PERSISTED_REMOVED, hash);
        if (found) {
          ctx.response().setStatusCode(204).end();
        } else {
          ctx.fail(new ServiceException(Failure.NOT_FOUND, "hash: no persisted query " + hash));
        }
      }).onFailure(ctx::fail);
    });
    router.get("/admin/stats").handler(ctx -> {
      if (stats == null) {
        throw new ServiceException(Failure.NOT_FOUND, "no statistics on this node");
      }
      ctx.json(stats.get());
    });
    router.get("/admin/cluster").handler(ctx -> vertx.sharedData().<String, JsonObject>getAsyncMap(SharedMaps.NODES)
        .compose(map -> map.values())
        .onSuccess(nodes -> ctx.json(new JsonObject().put("nodes", new JsonArray(nodes.stream()
            .sorted(java.util.Comparator.comparing(n -> n.getString("node"))).toList()))))
        .onFailure(ctx::fail));
    router.get("/admin/spec").handler(ctx -> ctx.json(current.get().toJson()));
    router.put("/admin/spec").handler(ctx -> change(ctx, 200, spec -> GatewaySpec.fromJson(body(ctx)),
        next -> next.toJson()));

    router.get("/admin/routes").handler(ctx -> ctx.json(new JsonObject().put("routes",
        new JsonArray(current.get().routes().stream().map(RouteSpec::source).toList()))));
    router.get("/admin/routes/:id").handler(ctx -> ctx.json(route(current.get(), ctx.pathParam("id")).source()));
    router.post("/admin/routes").handler(ctx -> {
      RouteSpec route = RouteSpec.fromJson(body(ctx), "route");
      ctx.response().putHeader("Location", "/admin/routes/" + route.id());
      change(ctx, 201, spec -> {
        if (spec.routes().stream().anyMatch(r -> r.id().equals(route.id()))) {
          throw new ServiceException(Failure.CONFLICT, "route.id: a route " + route.id() + " exists; PUT replaces it");
        }
        return spec.withRoute(route);
      }, next -> route.source());
    });
    router.put("/admin/routes/:id").handler(ctx -> {
      RouteSpec route = RouteSpec.fromJson(namedByPath(ctx, "id", "route"), "route");
      change(ctx, 200, spec -> spec.withRoute(route), next -> route.source());
    });
    router.delete("/admin/routes/:id").handler(ctx -> change(ctx, 204, spec -> {
      route(spec, ctx.pathParam("id"));
      return spec.withoutRoute(ctx.pathParam("id"));
    }, next -> null));

    router.get("/admin/upstreams").handler(ctx -> ctx.json(new JsonObject().put("upstreams",
        new JsonArray(current.get().upstreams().stream().map(UpstreamSpec::source).toList()))));
    router.get("/admin/upstreams/:name").handler(ctx -> ctx.json(upstream(current.get(), ctx.pathParam("name")).source()));
    router.put("/admin/upstreams/:name").handler(ctx -> {
      UpstreamSpec upstream = UpstreamSpec.fromJson(namedByPath(ctx, "name", "upstream"), "upstream");
      change(ctx, 200, spec -> spec.withUpstream(upstream), next -> upstream.source());
    });
    router.delete("/admin/upstreams/:name").handler(ctx -> change(ctx, 204, spec -> {
      upstream(spec, ctx.pathParam("name"));
      return spec.withoutUpstream(ctx.pathParam("name"));
    }, next -> null));
    new ProblemResponder().mount(router);
    return router;
  }

  private void authenticate(RoutingContext ctx) {
    String given = ctx.request().getHeader("Authorization");
    if (given == null || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"gantry-admin\"");
      throw new ServiceException(Failure.UNAUTHORIZED, "a valid admin bearer token is required");
    }
    ctx.next();
  }

  private void change(RoutingContext ctx, int status, UnaryOperator<GatewaySpec> change,
      Function<GatewaySpec, JsonObject> reply) {
    store.update(spec -> {
      GatewaySpec next = change.apply(spec);
      new RouteTable(next.routes()); // compiles every pattern: refuse what the proxy could not run
      return next;
    }).onSuccess(next -> {
      JsonObject body = reply.apply(next.spec());
      ctx.response().setStatusCode(status).putHeader("Gantry-Spec-Version", Long.toString(next.version()));
      if (body == null) {
        ctx.response().end();
      } else {
        ctx.json(body);
      }
    }).onFailure(ctx::fail);
  }

  /** The body, whose {@code field} is the path parameter of that name: filled in, or checked. */
  private static JsonObject namedByPath(RoutingContext ctx, String field, String what) {
    JsonObject json = body(ctx);
    String fromPath = ctx.pathParam(field);
    Object given = json.getValue(field);
    if (given == null) {
      json.put(field, fromPath);
    } else if (!fromPath.equals(given)) {
      throw SpecReader.invalid(what + "." + field, "must equal the " + field + " in the path (" + fromPath + ")");
    }
    return json;
  }

  private static JsonObject body(RoutingContext ctx) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw new ServiceException(Failure.BAD_REQUEST, "body: a JSON object is required");
    }
    try {
      Object value = body.toJsonValue();
      if (value instanceof JsonObject json) {
        return json;
      }
    } catch (DecodeException e) {
      throw new ServiceException(Failure.BAD_REQUEST, "body: malformed JSON");
    }
    throw new ServiceException(Failure.BAD_REQUEST, "body: must be a JSON object");
  }

  private static RouteSpec route(GatewaySpec spec, String id) {
    return spec.routes().stream().filter(r -> r.id().equals(id)).findFirst()
        .orElseThrow(() -> new ServiceException(Failure.NOT_FOUND, "id: no route " + id));
  }

  private static UpstreamSpec upstream(GatewaySpec spec, String name) {
    return spec.upstreams().stream().filter(u -> u.name().equals(name)).findFirst()
        .orElseThrow(() -> new ServiceException(Failure.NOT_FOUND, "name: no upstream " + name));
  }
}
