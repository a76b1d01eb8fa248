package dev.gantry.gateway.graphql;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.schema.DataFetchingEnvironment;
import java.util.Map;

/** Service failures as GraphQL errors: {@code message}, {@code path} and {@code extensions.code}. */
final class GraphqlErrors {
  private GraphqlErrors() {}

  static GraphQLError of(DataFetchingEnvironment env, Throwable failure) {
    Throwable e = failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : failure;
    if (e instanceof ServiceException se) {
      return GraphqlErrorBuilder.newError(env).message(se.getMessage())
          .extensions(Map.of("code", code(se.failure()))).build();
    }
    return GraphqlErrorBuilder.newError(env).message("internal error resolving " + env.getField().getName())
        .extensions(Map.of("code", "INTERNAL_SERVER_ERROR")).build();
  }

  static String code(Failure failure) {
    return switch (failure) {
      case BAD_REQUEST, UNPROCESSABLE -> "BAD_USER_INPUT";
      case UNAUTHORIZED -> "UNAUTHENTICATED";
      case FORBIDDEN -> "FORBIDDEN";
      case NOT_FOUND -> "NOT_FOUND";
      case CONFLICT -> "CONFLICT";
      case TOO_MANY_REQUESTS -> "RATE_LIMITED";
      case TIMEOUT, REQUEST_TIMEOUT -> "TIMEOUT";
      case UNAVAILABLE, BAD_GATEWAY -> "UNAVAILABLE";
      default -> "INTERNAL_SERVER_ERROR";
    };
  }
}
