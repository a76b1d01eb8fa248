package dev.gantry.gateway.graphql;

import dev.gantry.gateway.spec.GraphqlSpec;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQLError;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.language.Document;
import graphql.language.OperationDefinition;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import graphql.schema.GraphQLSchema;
import graphql.parser.ParserEnvironment;
import graphql.parser.ParserOptions;
import graphql.validation.ValidationError;
import graphql.validation.Validator;
import graphql.validation.rules.NoFragmentCycles;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.dataloader.DataLoaderRegistry;

/**
 * Turns a GraphQL request into an operation ready to run, refusing what should not run — an
 * unknown persisted query, a query over the size limit, one that does not parse or validate, one
 * over the route's limits — then runs it. Parsed and validated documents are remembered per
 * schema version (an LRU of at most {@value #DOCUMENTS} documents and {@value #DOCUMENT_CHARS}
 * characters of query text per listener: a parsed document holds about 15 times its text, so 500
 * distinct 16 KB queries held 120 MiB before the text was counted), so a repeated query costs its
 * limits check only.
 */
final class Operations {
  static final int DOCUMENTS = 500;
  static final int DOCUMENT_CHARS = 1 << 20;

  /** An operation that may run. */
  record Prepared(Federation.Served served, Document document, OperationDefinition operation, GraphqlRequest request) {
    boolean subscription() {
      return operation.getOperation() == OperationDefinition.Operation.SUBSCRIPTION;
    }

    boolean mutation() {
      return operation.getOperation() == OperationDefinition.Operation.MUTATION;
    }
  }

  /** A request error: nothing ran. {@code status} is the GraphQL-over-HTTP status for it. */
  static final class Refused extends RuntimeException {
    final String code;
    final int status;
    final Map<String, Object> extensions;
    final transient List<GraphQLError> errors;

    Refused(int status, String code, String message, Map<String, Object> extensions) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
      this.extensions = extensions;
      this.errors = null;
    }

    Refused(int status, List<GraphQLError> errors) {
      super(errors.get(0).getMessage(), null, false, false);
      this.status = status;
      this.code = null;
      this.extensions = Map.of();
      this.errors = errors;
    }

    /** The errors as the GraphQL response's {@code errors}. */
    JsonArray toJson() {
      JsonArray out = new JsonArray();
      if (errors != null) {
        errors.forEach(e -> out.add(new JsonObject(e.toSpecification())));
      } else {
        Map<String, Object> ext = new LinkedHashMap<>();
        ext.put("code", code);
        ext.putAll(extensions);
        out.add(new JsonObject().put("message", getMessage()).put("extensions", new JsonObject(ext)));
      }
      return out;
    }
  }

  private final Federation federation;
  private final Map<String, Document> documents = new LinkedHashMap<>(64, 0.75f, true);
  private long documentChars;

  Operations(Federation federation) {
    this.federation = federation;
  }

  /**
   * The operation {@code request} asks for, checked.
   *
   * @param readOnly GET: only a query may run
   */
  Future<Prepared> prepare(GraphqlRequest request, GraphqlSpec spec, boolean readOnly) {
    Federation.Served served = federation == null ? null : federation.served();
    if (served == null) {
      return Future.failedFuture(new Refused(503, "SCHEMA_UNAVAILABLE",
          "no service has published a GraphQL schema yet", Map.of()));
    }
    // compose, so that nothing below throws to the caller: every refusal is the future's failure
    return Future.<Void>succeededFuture().compose(v -> query(request, spec)).map(text -> {
      GraphqlRequest r = request.withQuery(text);
      Document document = document(served, text, spec);
      OperationDefinition operation = operation(document, r.operationName());
      if (readOnly && operation.getOperation() != OperationDefinition.Operation.QUERY) {
        throw new Refused(405, "METHOD_NOT_ALLOWED", "a " + operation.getOperation().name().toLowerCase(Locale.ROOT)
            + " is sent with POST, not GET", Map.of());
      }
      QueryLimits.Breach breach = QueryLimits.check(served.composition().schema(), document, operation, r.variables(), spec);
      if (breach != null) {
        throw new Refused(400, breach.code(), breach.message(),
            Map.of("limit", breach.limit(), "max", breach.max(), "actual", breach.actual()));
      }
      String hash = request.persistedHash();
      if (hash != null && request.query() != null && spec.persisted() == GraphqlSpec.Persisted.APQ) {
        federation.persisted().register(hash, text); // only queries that validate are remembered
      }
      return new Prepared(served, document, operation, r);
    });
  }

  /** The query text: as sent, or found by its persisted hash, as the route's persisted mode says. */
  private Future<String> query(GraphqlRequest request, GraphqlSpec spec) {
    String hash = request.persistedHash();
    String text = request.query();
    PersistedQueries persisted = federation.persisted();
    switch (spec.persisted()) {
      case OFF -> {
        if (text == null) {
          return Future.failedFuture(hash != null ? new Refused(400, "PERSISTED_QUERY_NOT_SUPPORTED",
              "persisted queries are off on this route: send the query", Map.of())
              : new Refused(400, "BAD_REQUEST", "query: is required", Map.of()));
        }
        return Future.succeededFuture(text);
      }
      case APQ -> {
        if (text != null) {
          if (hash != null && !PersistedQueries.hash(text).equals(hash)) {
            return Future.failedFuture(new Refused(400, "PERSISTED_QUERY_HASH_MISMATCH",
                "extensions.persistedQuery.sha256Hash: is not the SHA-256 of the query", Map.of()));
          }
          return Future.succeededFuture(text);
        }
        if (hash == null) {
          return Future.failedFuture(new Refused(400, "BAD_REQUEST", "query: is required", Map.of()));
        }
        return persisted.find(hash).compose(found -> found != null ? Future.succeededFuture(found)
            : Future.failedFuture(new Refused(400, "PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound", Map.of())));
      }
      default -> {
        if (text == null && hash == null) {
          return Future.failedFuture(new Refused(400, "BAD_REQUEST", "query: is required", Map.of()));
        }
        String wanted = text != null ? PersistedQueries.hash(text) : hash;
        if (text != null && hash != null && !wanted.equals(hash)) {
          return Future.failedFuture(new Refused(400, "PERSISTED_QUERY_HASH_MISMATCH",
              "extensions.persistedQuery.sha256Hash: is not the SHA-256 of the query", Map.of()));
        }
        return persisted.allowed(wanted).compose(found -> found != null ? Future.succeededFuture(found)
            : Future.failedFuture(new Refused(400, text == null ? "PERSISTED_QUERY_NOT_FOUND" : "QUERY_NOT_ALLOWED",
                "only queries persisted through the admin API run on this route", Map.of())));
      }
    }
  }

  private Document document(Federation.Served served, String text, GraphqlSpec spec) {
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > spec.maxQueryBytes()) {
      throw new Refused(400, "QUERY_TOO_LARGE", "query of " + bytes + " bytes exceeds the limit "
          + spec.maxQueryBytes() + " (max-query-bytes)", Map.of("limit", "max-query-bytes", "max", spec.maxQueryBytes(),
          "actual", bytes));
    }
    String key = served.version() + ":" + text;
    synchronized (documents) {
      Document known = documents.get(key);
      if (known != null) {
        return known;
      }
    }
    Document document = parse(served.composition().schema(), text, spec);
    synchronized (documents) {
      if (documents.put(key, document) == null) {
        documentChars += key.length();
      }
      for (var eldest = documents.entrySet().iterator(); eldest.hasNext()
          && (documents.size() > DOCUMENTS || documentChars > DOCUMENT_CHARS); ) {
        documentChars -= eldest.next().getKey().length();
        eldest.remove();
      }
    }
    return document;
  }

  /**
   * Parses and validates a query against {@code schema} under the route's limits: a syntax error,
   * a fragment cycle, too deep a nesting or a validation error is a {@link Refused} (400) naming it.
   */
  static Document parse(GraphQLSchema schema, String text, GraphqlSpec spec) {
    Document document;
    try {
      ParserOptions options = ParserOptions.newParserOptions().maxCharacters(spec.maxQueryBytes())
          .maxTokens(Math.max(1_000, spec.maxQueryBytes() / 2)).maxWhitespaceTokens(spec.maxQueryBytes())
          .maxRuleDepth(Math.max(50, spec.maxDepth() * 4)).captureSourceLocation(true).captureLineComments(false)
          .build();
      document = Parser.parse(ParserEnvironment.newParserEnvironment().document(text).parserOptions(options).build());
    } catch (InvalidSyntaxException e) {
      throw new Refused(400, List.of(e.toInvalidSyntaxError()));
    }
    Refused spreads = FragmentSpreads.check(document);
    if (spreads != null) {
      throw spreads;
    }
    List<ValidationError> errors;
    try {
      errors = new Validator().validateDocument(schema, document, rule -> rule != NoFragmentCycles.class, Locale.ENGLISH);
    } catch (graphql.AssertException e) {
      // graphql-java's SubscriptionUniqueRootField evaluates @include/@skip before the rule that
      // requires their "if" argument, and asserts on "subscription { a @include(x: true) }"
      throw new Refused(400, "GRAPHQL_VALIDATION_FAILED", "the query is not valid: " + e.getMessage()
          .replaceFirst("^Internal error: should never happen: ", ""), Map.of());
    }
    if (!errors.isEmpty()) {
      throw new Refused(400, List.copyOf(errors.size() > 20 ? errors.subList(0, 20) : errors));
    }
    return document;
  }

  static OperationDefinition operation(Document document, String name) {
    List<OperationDefinition> operations = document.getDefinitionsOfType(OperationDefinition.class);
    if (name == null) {
      if (operations.size() != 1) {
        throw new Refused(400, "BAD_REQUEST", "operationName: is required when the document holds "
            + operations.size() + " operations", Map.of());
      }
      return operations.get(0);
    }
    return operations.stream().filter(o -> name.equals(o.getName())).findFirst().orElseThrow(() ->
        new Refused(400, "BAD_REQUEST", "operationName: the document has no operation " + dev.gantry.gateway.observe.SafeText.of(name), Map.of()));
  }

  /** Runs a prepared operation; resolvers call services through {@code call}. */
  CompletableFuture<ExecutionResult> execute(Prepared prepared, ResolverCall call) {
    Map<Object, Object> context = new LinkedHashMap<>();
    context.put(ResolverCall.KEY, call);
    context.put(Federation.DOCUMENT, new PreparsedDocumentEntry(prepared.document()));
    ExecutionInput input = ExecutionInput.newExecutionInput()
        .query(prepared.request().query())
        .operationName(prepared.operation().getName())
        .variables(prepared.request().variables())
        .graphQLContext(context)
        .dataLoaderRegistry(new DataLoaderRegistry())
        .build();
    return prepared.served().graphql().executeAsync(input);
  }
}
