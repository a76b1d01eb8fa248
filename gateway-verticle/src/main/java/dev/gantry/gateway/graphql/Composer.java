package dev.gantry.gateway.graphql;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.graphql.FieldBinding;
import dev.gantry.codecs.graphql.SchemaPart;
import graphql.language.FieldDefinition;
import graphql.language.ObjectTypeDefinition;
import graphql.language.ObjectTypeExtensionDefinition;
import graphql.language.SDLDefinition;
import graphql.language.TypeDefinition;
import graphql.schema.DataFetcher;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import graphql.schema.idl.TypeRuntimeWiring;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Composes one executable schema from services' parts. Each part defines the types it owns and
 * adds fields to others' with {@code extend type}; root fields are always extensions
 * ({@code extend type Query}). A part is accepted when the schema stays valid with it; parts are
 * tried in the order they were published, again while any is accepted, so a part waiting for a
 * type another service defines joins once that service is there, while of two that conflict the
 * later is refused. An extension of a type no part defines is left out (the catalog's
 * {@code OrderLine.product} while no orders service runs), as are its resolvers.
 *
 * <p>Rules a part must keep, else it is refused naming the rule: its SDL parses; it defines no
 * type another accepted part defines (root types included); every field it binds is one it
 * declares; every root field and every field it adds to another's type has a resolver; a
 * subscription binding is on {@code Subscription}; a field is resolved at the part's own address
 * ({@code gantry.graphql.<service>.<Type.field>}, so a part cannot route its fields into another
 * service's resolvers) and a subscription's events come from under {@code gantry.<service>.}
 * (so a part cannot expose another service's or the gateway's own events).
 */
public final class Composer {
  static final Set<String> ROOTS = Set.of("Query", "Mutation", "Subscription");
  private static final Comparator<SchemaPart> PUBLISHED = Comparator.comparingLong(SchemaPart::publishedAt)
      .thenComparing(p -> p.id());

  /** A binding and the service whose part declared it. */
  public record Bound(FieldBinding binding, String service) {}

  /** The composed schema, the bindings in force, and the parts that went into it. */
  public record Composition(GraphQLSchema schema, Map<String, Bound> bindings, List<SchemaPart> parts) {}

  /** What a composition made of the parts: the schema (null when no part was accepted) and each refusal. */
  public record Outcome(Composition composition, Map<String, String> refused) {}

  private Composer() {}

  public static Outcome compose(List<SchemaPart> published, Function<Bound, DataFetcher<?>> fetchers) {
    // One part per service: its instances publish the same; during a rolling upgrade the newest wins.
    Map<String, SchemaPart> byService = new LinkedHashMap<>();
    published.stream().sorted(PUBLISHED)
        .forEach(p -> byService.put(p.service(), p));
    List<SchemaPart> waiting = new ArrayList<>(byService.values());
    waiting.sort(PUBLISHED);
    Map<String, Parsed> parsed = new HashMap<>();
    Map<String, String> refused = new LinkedHashMap<>();
    for (SchemaPart part : waiting) {
      try {
        parsed.put(part.service(), Parsed.of(part));
      } catch (RuntimeException e) {
        // the rules below throw IllegalArgumentException naming themselves; anything else is the parser's
        refused.put(part.service(), e instanceof IllegalArgumentException ? message(e) : "its SDL does not parse: " + message(e));
      }
    }
    waiting.removeIf(p -> !parsed.containsKey(p.service()));
    List<Parsed> accepted = new ArrayList<>();
    Composition last = null;
    boolean progress = true;
    while (progress && !waiting.isEmpty()) {
      progress = false;
      for (var it = waiting.iterator(); it.hasNext(); ) {
        Parsed candidate = parsed.get(it.next().service());
        List<Parsed> trial = new ArrayList<>(accepted);
        trial.add(candidate);
        try {
          last = build(trial, fetchers);
          accepted.add(candidate);
          refused.remove(candidate.part.service());
          it.remove();
          progress = true;
        } catch (RuntimeException e) {
          refused.put(candidate.part.service(), message(e));
        }
      }
    }
    return new Outcome(last, refused);
  }

  private static String message(RuntimeException e) {
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return text.length() > 500 ? text.substring(0, 500) + "…" : text;
  }

  /** A part's SDL, parsed once: what it defines and what it extends. */
  private record Parsed(SchemaPart part, List<SDLDefinition> definitions, Set<String> defines,
      Map<String, Set<String>> declaredFields, Map<String, Set<String>> extendedFields) {
    static Parsed of(SchemaPart part) {
      TypeDefinitionRegistry registry = new SchemaParser().parse(part.sdl());
      List<SDLDefinition> definitions = new ArrayList<>();
      Set<String> defines = new HashSet<>();
      Map<String, Set<String>> declared = new HashMap<>();
      Map<String, Set<String>> extended = new HashMap<>();
      registry.types().values().forEach(t -> {
        if (ROOTS.contains(t.getName())) {
          throw new IllegalArgumentException(part.service() + " defines type " + t.getName()
              + ": root fields are added with extend type " + t.getName());
        }
        definitions.add(t);
        defines.add(t.getName());
        if (t instanceof ObjectTypeDefinition o) {
          declared.put(t.getName(), names(o.getFieldDefinitions()));
        }
      });
      registry.scalars().values().stream().filter(s -> !graphql.schema.idl.ScalarInfo.isGraphqlSpecifiedScalar(s.getName()))
          .forEach(s -> {
            throw new IllegalArgumentException(part.service() + " defines scalar " + s.getName()
                + ": only the built-in scalars are served");
          });
      registry.objectTypeExtensions().forEach((type, list) -> list.forEach(ext -> {
        definitions.add(ext);
        declared.computeIfAbsent(type, k -> new HashSet<>()).addAll(names(ext.getFieldDefinitions()));
        extended.computeIfAbsent(type, k -> new HashSet<>()).addAll(names(ext.getFieldDefinitions()));
      }));
      if (!registry.interfaceTypeExtensions().isEmpty() || !registry.unionTypeExtensions().isEmpty()
          || !registry.enumTypeExtensions().isEmpty() || !registry.inputObjectTypeExtensions().isEmpty()
          || !registry.scalarTypeExtensions().isEmpty() || registry.schemaDefinition().isPresent()) {
        throw new IllegalArgumentException(part.service() + ": only object types may be extended, and no schema block is allowed");
      }
      registry.getDirectiveDefinitions().keySet().stream()
          .filter(d -> !Set.of("include", "skip", "deprecated", "specifiedBy", "oneOf", "defer", "experimental_disableErrorPropagation").contains(d))
          .findFirst().ifPresent(d -> {
            throw new IllegalArgumentException(part.service() + " defines directive @" + d + ": parts may not add directives");
          });
      for (FieldBinding b : part.fields()) {
        Set<String> fields = declared.get(b.type());
        if (fields == null || !fields.contains(b.field())) {
          throw new IllegalArgumentException(part.service() + " binds " + b.coordinate() + ", a field its SDL does not declare");
        }
        String own = "gantry." + part.service() + ".";
        boolean ownAddress = b.kind() == FieldBinding.Kind.SUBSCRIBE
            ? b.address().startsWith(own) && !part.service().equals("graphql") && !part.service().equals("http")
            : b.address().equals(Addresses.graphqlField(part.service(), b.coordinate()));
        if (!ownAddress) {
          throw new IllegalArgumentException(part.service() + " binds " + b.coordinate() + " to " + b.address()
              + ": a part resolves its fields at its own addresses (" + Addresses.graphqlField(part.service(), b.coordinate())
              + ") and publishes events under " + own);
        }
        if (b.kind() == FieldBinding.Kind.SUBSCRIBE != b.type().equals("Subscription")) {
          throw new IllegalArgumentException(part.service() + " binds " + b.coordinate() + " as " + b.kind()
              + ": subscription bindings are for Subscription fields, and only they");
        }
      }
      Set<String> bound = new HashSet<>();
      part.fields().forEach(b -> bound.add(b.coordinate()));
      extended.forEach((type, fields) -> fields.forEach(f -> {
        if (!bound.contains(type + "." + f)) {
          throw new IllegalArgumentException(part.service() + " adds " + type + "." + f + " without a resolver");
        }
      }));
      return new Parsed(part, definitions, defines, declared, extended);
    }

    private static Set<String> names(List<FieldDefinition> fields) {
      Set<String> names = new HashSet<>();
      fields.forEach(f -> names.add(f.getName()));
      return names;
    }
  }

  private static Composition build(List<Parsed> parts, Function<Bound, DataFetcher<?>> fetchers) {
    Map<String, String> owner = new HashMap<>();
    for (Parsed p : parts) {
      for (String type : p.defines) {
        String other = owner.putIfAbsent(type, p.part.service());
        if (other != null) {
          throw new IllegalArgumentException(p.part.service() + " defines type " + type + ", which " + other + " defines");
        }
      }
    }
    Set<String> roots = new HashSet<>();
    parts.forEach(p -> p.extendedFields.keySet().stream().filter(ROOTS::contains).forEach(roots::add));
    if (!roots.contains("Query")) {
      throw new IllegalArgumentException("no part adds a Query field");
    }
    TypeDefinitionRegistry registry = new TypeDefinitionRegistry();
    for (String root : roots) {
      registry.add(ObjectTypeDefinition.newObjectTypeDefinition().name(root).build());
    }
    Map<String, Bound> bindings = new LinkedHashMap<>();
    Map<String, String> declaredBy = new HashMap<>();
    for (Parsed p : parts) {
      for (SDLDefinition<?> d : p.definitions) {
        if (d instanceof ObjectTypeExtensionDefinition ext && !owner.containsKey(ext.getName()) && !ROOTS.contains(ext.getName())) {
          continue; // extends a type no live service defines: left out, with its resolvers
        }
        if (d instanceof ObjectTypeDefinition o) {
          for (FieldDefinition f : o.getFieldDefinitions()) {
            String coordinate = o.getName() + "." + f.getName();
            String other = declaredBy.putIfAbsent(coordinate, p.part.service());
            if (other != null && !other.equals(p.part.service())) {
              throw new IllegalArgumentException(p.part.service() + " declares " + coordinate + ", which " + other + " declares");
            }
          }
        }
        registry.add(d).ifPresent(error -> {
          throw new IllegalArgumentException(p.part.service() + ": " + error.getMessage());
        });
      }
      for (FieldBinding b : p.part.fields()) {
        if (owner.containsKey(b.type()) || ROOTS.contains(b.type())) {
          bindings.put(b.coordinate(), new Bound(b, p.part.service()));
        }
      }
    }
    RuntimeWiring.Builder wiring = RuntimeWiring.newRuntimeWiring();
    Map<String, TypeRuntimeWiring.Builder> types = new HashMap<>();
    bindings.values().forEach(bound -> types.computeIfAbsent(bound.binding().type(), TypeRuntimeWiring::newTypeWiring)
        .dataFetcher(bound.binding().field(), fetchers.apply(bound)));
    types.values().forEach(wiring::type);
    GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(registry, wiring.build());
    return new Composition(schema, bindings, parts.stream().map(Parsed::part).toList());
  }
}
