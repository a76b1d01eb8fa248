package dev.gantry.gateway.graphql;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.graphql.FieldBinding;
import graphql.execution.DataFetcherResult;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.dataloader.DataLoader;
import org.dataloader.DataLoaderFactory;
import org.dataloader.DataLoaderOptions;

/**
 * The data fetchers of bound fields: a fetch is one service call per parent; a batch field loads
 * its parent's key through a DataLoader of the execution, so one execution level's keys go to the
 * service in one call (at most {@value #MAX_BATCH} keys a call); a subscription field subscribes
 * to the node's feed of its address.
 */
final class BusResolvers {
  static final int MAX_BATCH = 500;
  private final Feeds feeds;

  BusResolvers(Feeds feeds) {
    this.feeds = feeds;
  }

  DataFetcher<?> of(Composer.Bound bound) {
    FieldBinding b = bound.binding();
    return switch (b.kind()) {
      case FETCH -> env -> fetch(env, bound);
      case BATCH -> env -> batch(env, bound);
      case SUBSCRIBE -> env -> feeds.subscribe(b.address(), b.key(), env.getArgument(b.argument()));
    };
  }

  private static CompletableFuture<DataFetcherResult<Object>> fetch(DataFetchingEnvironment env, Composer.Bound bound) {
    ResolverCall call = env.getGraphQlContext().get(ResolverCall.KEY);
    JsonObject body = new JsonObject().put("field", bound.binding().coordinate())
        .put("args", Plain.json(env.getArguments())).put("source", Plain.json(env.getSource()));
    return settle(env, call.send(bound.service(), bound.binding().address(), body).map(reply -> Plain.of(reply.getValue("value")))
        .toCompletionStage().toCompletableFuture());
  }

  private static CompletableFuture<DataFetcherResult<Object>> batch(DataFetchingEnvironment env, Composer.Bound bound) {
    FieldBinding b = bound.binding();
    Object key = env.getSource() instanceof Map<?, ?> source ? source.get(b.key()) : null;
    if (key == null) {
      return CompletableFuture.completedFuture(DataFetcherResult.newResult().data(null).build());
    }
    ResolverCall call = env.getGraphQlContext().get(ResolverCall.KEY);
    JsonObject args = Plain.json(env.getArguments());
    String name = b.coordinate() + (args.isEmpty() ? "" : args.encode());
    DataLoader<Object, Object> loader = env.getDataLoaderRegistry().computeIfAbsent(name, n ->
        DataLoaderFactory.newDataLoader((List<Object> keys) -> load(call, bound, args, keys),
            DataLoaderOptions.newOptions().setMaxBatchSize(MAX_BATCH).build()));
    return settle(env, loader.load(key));
  }

  private static java.util.concurrent.CompletionStage<List<Object>> load(ResolverCall call, Composer.Bound bound,
      JsonObject args, List<Object> keys) {
    JsonObject body = new JsonObject().put("field", bound.binding().coordinate()).put("args", args)
        .put("keys", new JsonArray(new ArrayList<>(keys)));
    return call.send(bound.service(), bound.binding().address(), body).compose(reply -> {
      JsonArray values = reply.getJsonArray("values");
      if (values == null || values.size() != keys.size()) {
        return Future.failedFuture(new ServiceException(Failure.BAD_GATEWAY, bound.service() + " answered "
            + (values == null ? "no values" : values.size() + " values") + " for " + keys.size() + " keys of "
            + bound.binding().coordinate()));
      }
      List<Object> plain = new ArrayList<>(values.size());
      values.forEach(v -> plain.add(Plain.of(v)));
      return Future.succeededFuture(plain);
    }).toCompletionStage();
  }

  /** The value, or a GraphQL error naming the failure (the field is then null, its siblings stay). */
  private static CompletableFuture<DataFetcherResult<Object>> settle(DataFetchingEnvironment env,
      CompletableFuture<Object> value) {
    return value.handle((v, e) -> e == null ? DataFetcherResult.newResult().data(v).build()
        : DataFetcherResult.newResult().error(GraphqlErrors.of(env, e)).build());
  }
}
