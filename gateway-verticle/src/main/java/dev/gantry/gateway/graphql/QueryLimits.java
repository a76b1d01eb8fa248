package dev.gantry.gateway.graphql;

import dev.gantry.gateway.spec.GraphqlSpec;
import graphql.language.Argument;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.IntValue;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.language.Value;
import graphql.language.VariableReference;
import graphql.schema.GraphQLArgument;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLFieldsContainer;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The route's limits on one operation, checked after validation and before any resolver runs:
 * depth, cost, aliases, root fields and introspection. Fragments are measured once each (a
 * fragment spread a thousand times costs one measurement), and every figure saturates, so a query
 * built to multiply is measured in time linear in its text.
 */
final class QueryLimits {
  /** A limit the query broke: a GraphQL error code, the limit's name and figures. */
  record Breach(String code, String limit, long max, long actual, String message) {}

  private static final Set<String> SIZE_ARGUMENTS = Set.of("first", "last", "limit");
  private static final long CAP = Long.MAX_VALUE / 4;
  /** Deepest an introspection query may go without counting against max-depth. */
  static final int INTROSPECTION_DEPTH = 16;

  private final GraphQLSchema schema;
  private final Document document;
  private final Map<String, Object> variables;
  private final GraphqlSpec spec;
  private final Map<String, FragmentDefinition> fragments = new HashMap<>();
  private final Map<String, Stats> measured = new HashMap<>();

  private QueryLimits(GraphQLSchema schema, Document document, Map<String, Object> variables, GraphqlSpec spec) {
    this.schema = schema;
    this.document = document;
    this.variables = variables;
    this.spec = spec;
    document.getDefinitionsOfType(FragmentDefinition.class).forEach(f -> fragments.put(f.getName(), f));
  }

  /** The first limit {@code operation} breaks, or null. */
  static Breach check(GraphQLSchema schema, Document document, OperationDefinition operation,
      Map<String, Object> variables, GraphqlSpec spec) {
    QueryLimits limits = new QueryLimits(schema, document, variables, spec);
    GraphQLFieldsContainer root = switch (operation.getOperation()) {
      case MUTATION -> schema.getMutationType();
      case SUBSCRIPTION -> schema.getSubscriptionType();
      default -> schema.getQueryType();
    };
    Stats stats = limits.measure(operation.getSelectionSet(), root);
    long rootFields = limits.rootFields(operation.getSelectionSet(), 0);
    if (stats.introspection && !spec.introspection()) {
      return new Breach("INTROSPECTION_DISABLED", "introspection", 0, 1,
          "introspection is disabled on this route (__schema and __type are refused)");
    }
    if (rootFields > spec.maxRootFields()) {
      return breach("MAX_ROOT_FIELDS_EXCEEDED", "max-root-fields", spec.maxRootFields(), rootFields, "root fields");
    }
    if (stats.aliases > spec.maxAliases()) {
      return breach("MAX_ALIASES_EXCEEDED", "max-aliases", spec.maxAliases(), stats.aliases, "aliases");
    }
    if (stats.depth > spec.maxDepth()) {
      return breach("MAX_DEPTH_EXCEEDED", "max-depth", spec.maxDepth(), stats.depth, "depth");
    }
    if (stats.cost > spec.maxCost()) {
      return breach("MAX_COST_EXCEEDED", "max-cost", spec.maxCost(), stats.cost, "cost");
    }
    return null;
  }

  private static Breach breach(String code, String limit, long max, long actual, String what) {
    return new Breach(code, limit, max, actual, "query " + what + " " + (actual >= CAP ? "beyond counting" : actual)
        + " exceeds the limit " + max + " (" + limit + ")");
  }

  /** Depth, cost and aliases of a selection set under {@code parent}. */
  private record Stats(long depth, long cost, long aliases, boolean introspection) {
    static final Stats NONE = new Stats(0, 0, 0, false);

    Stats plus(Stats o) {
      return new Stats(Math.max(depth, o.depth), add(cost, o.cost), add(aliases, o.aliases), introspection || o.introspection);
    }
  }

  private Stats measure(SelectionSet set, GraphQLType parent) {
    Stats total = Stats.NONE;
    if (set == null) {
      return total;
    }
    for (Selection<?> selection : set.getSelections()) {
      if (selection instanceof Field field) {
        total = total.plus(field(field, parent));
      } else if (selection instanceof InlineFragment inline) {
        GraphQLType on = inline.getTypeCondition() == null ? parent : schema.getType(inline.getTypeCondition().getName());
        total = total.plus(measure(inline.getSelectionSet(), on));
      } else if (selection instanceof FragmentSpread spread) {
        total = total.plus(fragment(spread.getName()));
      }
    }
    return total;
  }

  private Stats fragment(String name) {
    Stats known = measured.get(name);
    if (known != null) {
      return known;
    }
    FragmentDefinition definition = fragments.get(name);
    if (definition == null) {
      return Stats.NONE; // validation refuses an unknown fragment before this runs
    }
    measured.put(name, Stats.NONE); // validation refuses cycles; this only guards the recursion
    Stats stats = measure(definition.getSelectionSet(), schema.getType(definition.getTypeCondition().getName()));
    measured.put(name, stats);
    return stats;
  }

  private Stats field(Field field, GraphQLType parent) {
    String name = field.getName();
    boolean introspection = name.equals("__schema") || name.equals("__type");
    long aliases = field.getAlias() != null ? 1 : 0;
    if (name.equals("__typename")) {
      return new Stats(1, 0, aliases, false);
    }
    GraphQLFieldDefinition definition = parent instanceof GraphQLFieldsContainer c ? c.getFieldDefinition(name) : null;
    GraphQLType type = definition == null ? null : definition.getType();
    Stats below = measure(field.getSelectionSet(), type == null ? null : GraphQLTypeUtil.unwrapAll(type));
    long multiplier = multiplier(field, definition, parent);
    String coordinate = parent instanceof GraphQLFieldsContainer c ? c.getName() + "." + name : name;
    if (introspection) {
      // Introspection (where the route allows it) is as deep as the schema's own type references:
      // GraphiQL's query nests about twelve levels. It does not count against max-depth or
      // max-cost unless it goes deeper than any schema needs.
      long depth = below.depth < INTROSPECTION_DEPTH ? 1 : add(below.depth, 1);
      return new Stats(depth, 0, add(below.aliases, aliases), true);
    }
    long cost = add(spec.cost(coordinate), times(multiplier, below.cost));
    return new Stats(add(below.depth, 1), cost, add(below.aliases, aliases), below.introspection);
  }

  /** How many times the field's selection is resolved: its size argument, else the default list size for a list. */
  private long multiplier(Field field, GraphQLFieldDefinition definition, GraphQLType parent) {
    for (Argument argument : field.getArguments()) {
      if (SIZE_ARGUMENTS.contains(argument.getName())) {
        Long size = integer(argument.getValue());
        if (size != null) {
          return Math.max(0, size);
        }
      }
    }
    if (definition == null) {
      return 1;
    }
    for (GraphQLArgument argument : definition.getArguments()) {
      if (SIZE_ARGUMENTS.contains(argument.getName()) && argument.hasSetDefaultValue()) {
        Object value = argument.getArgumentDefaultValue().getValue();
        Long size = value instanceof Value<?> literal ? integer(literal) : value instanceof Number n ? n.longValue() : null;
        if (size != null) {
          return Math.max(0, size);
        }
      }
    }
    GraphQLType type = definition.getType() instanceof GraphQLNonNull nn ? nn.getWrappedType() : definition.getType();
    if (!(type instanceof GraphQLList)) {
      return 1;
    }
    // a connection's edges or nodes are as many as its size argument said, counted once already
    boolean connection = parent instanceof GraphQLFieldsContainer c && c.getName().endsWith("Connection")
        && (field.getName().equals("edges") || field.getName().equals("nodes"));
    return connection ? 1 : spec.defaultListSize();
  }

  private Long integer(Value<?> value) {
    if (value instanceof IntValue i) {
      return i.getValue().bitLength() < 62 ? i.getValue().longValue() : CAP;
    }
    if (value instanceof VariableReference ref && variables != null && variables.get(ref.getName()) instanceof Number n) {
      return n.longValue();
    }
    return null;
  }

  private final Map<String, Long> rootFieldsOf = new HashMap<>();

  private long rootFields(SelectionSet set, int nesting) {
    long count = 0;
    if (set == null || nesting > 64) {
      return count;
    }
    for (Selection<?> selection : set.getSelections()) {
      if (selection instanceof Field) {
        count++;
      } else if (selection instanceof InlineFragment inline) {
        count = add(count, rootFields(inline.getSelectionSet(), nesting + 1));
      } else if (selection instanceof FragmentSpread spread && fragments.containsKey(spread.getName())) {
        Long known = rootFieldsOf.get(spread.getName());
        if (known == null) {
          rootFieldsOf.put(spread.getName(), 0L);
          known = rootFields(fragments.get(spread.getName()).getSelectionSet(), nesting + 1);
          rootFieldsOf.put(spread.getName(), known);
        }
        count = add(count, known);
      }
    }
    return count;
  }

  private static long add(long a, long b) {
    return Math.min(CAP, a + b);
  }

  private static long times(long a, long b) {
    if (a == 0 || b == 0) {
      return 0;
    }
    return a > CAP / b ? CAP : Math.min(CAP, a * b);
  }

}
