package dev.gantry.gateway.graphql;

import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.validation.ValidationError;
import graphql.validation.ValidationErrorType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A document's fragment spreads, checked before graphql-java validates it, in time linear in the
 * document and without recursion: no cycle (graphql-java's own rule, {@code NoFragmentCycles},
 * walks every path through the fragments: 16 KB of fragments each spreading the next twice took it
 * 8 s of CPU, so {@link Operations} runs this instead), and fragments nested at most
 * {@value #MAX_NESTING} deep, fields at most {@value #MAX_FIELD_DEPTH} deep through them
 * (graphql-java's validation, our limits and execution recurse through spreads: a chain of 2,000
 * fragments, 64 KB of text, overflowed the stack).
 */
final class FragmentSpreads {
  static final int MAX_NESTING = 64;
  /** Deepest field nesting through fragments (64 fragments each 95 fields deep overflowed the stack). */
  static final int MAX_FIELD_DEPTH = 1_000;

  private FragmentSpreads() {}

  /** The first cycle or too deep a nesting among the document's fragments, as a request error, or null. */
  static Operations.Refused check(Document document) {
    Map<String, FragmentDefinition> fragments = new LinkedHashMap<>();
    document.getDefinitionsOfType(FragmentDefinition.class).forEach(f -> fragments.putIfAbsent(f.getName(), f));
    Map<String, List<String>> spreads = new HashMap<>();
    Map<String, List<Integer>> spreadDepths = new HashMap<>(); // the field depth each spread is at
    Map<String, Integer> ownDepth = new HashMap<>();
    fragments.forEach((name, f) -> {
      List<String> names = new ArrayList<>();
      List<Integer> depths = new ArrayList<>();
      ownDepth.put(name, spreadsOf(f.getSelectionSet(), names, depths));
      spreads.put(name, names);
      spreadDepths.put(name, depths);
    });
    Map<String, Integer> fieldDepth = new HashMap<>(); // of a fragment done: its deepest field through spreads
    Map<String, Boolean> done = new HashMap<>(); // false: on the current path, true: no cycle through it
    Map<String, Integer> nesting = new HashMap<>(); // of a fragment done: its longest chain of spreads
    for (String start : fragments.keySet()) {
      if (done.containsKey(start)) {
        continue;
      }
      // an explicit stack: a megabyte-long chain of fragments must not overflow the thread's stack
      Deque<String> path = new ArrayDeque<>();
      Deque<Integer> next = new ArrayDeque<>();
      path.push(start);
      next.push(0);
      done.put(start, false);
      while (!path.isEmpty()) {
        String at = path.peek();
        int i = next.pop();
        List<String> out = spreads.get(at);
        if (i >= out.size()) {
          done.put(at, true);
          int deepest = 0;
          int fields = ownDepth.get(at);
          for (int k = 0; k < out.size(); k++) {
            deepest = Math.max(deepest, nesting.getOrDefault(out.get(k), 0));
            fields = Math.max(fields, spreadDepths.get(at).get(k) + fieldDepth.getOrDefault(out.get(k), 0));
          }
          if (fields > MAX_FIELD_DEPTH) {
            return new Operations.Refused(400, "MAX_FRAGMENT_NESTING_EXCEEDED", "fields nested more than "
                + MAX_FIELD_DEPTH + " deep through fragments (at " + at + ")", Map.of("limit", "fragment-nesting",
                "max", MAX_FIELD_DEPTH));
          }
          nesting.put(at, deepest + 1);
          fieldDepth.put(at, fields);
          path.pop();
          continue;
        }
        next.push(i + 1);
        String to = out.get(i);
        if (!fragments.containsKey(to)) {
          continue; // an unknown fragment is another rule's error
        }
        Boolean state = done.get(to);
        if (state == null) {
          if (path.size() >= MAX_NESTING) {
            return tooDeep(to);
          }
          done.put(to, false);
          path.push(to);
          next.push(0);
        } else if (state && nesting.get(to) + path.size() > MAX_NESTING) {
          return tooDeep(to);
        } else if (!state) {
          return new Operations.Refused(400, List.of(ValidationError.newValidationError()
              .validationErrorType(ValidationErrorType.FragmentCycle).sourceLocation(fragments.get(to).getSourceLocation())
              .description("Fragment " + to + " spreads itself (through " + at + "): fragment cycles are not allowed")
              .build()));
        }
      }
    }
    return null;
  }

  private static Operations.Refused tooDeep(String through) {
    return new Operations.Refused(400, "MAX_FRAGMENT_NESTING_EXCEEDED", "fragments nested more than " + MAX_NESTING
        + " deep (through " + through + ")", Map.of("limit", "fragment-nesting", "max", MAX_NESTING));
  }

  /** Adds the spreads under {@code root} to {@code names}, with their field depth; answers the deepest field. */
  private static int spreadsOf(SelectionSet root, List<String> names, List<Integer> depths) {
    int deepest = 0;
    Deque<SelectionSet> sets = new ArrayDeque<>();
    Deque<Integer> levels = new ArrayDeque<>();
    if (root != null) {
      sets.push(root);
      levels.push(0);
    }
    while (!sets.isEmpty()) {
      SelectionSet set = sets.pop();
      int level = levels.pop();
      for (Selection<?> selection : set.getSelections()) {
        if (selection instanceof FragmentSpread spread) {
          names.add(spread.getName());
          depths.add(level);
        } else if (selection instanceof InlineFragment inline && inline.getSelectionSet() != null) {
          sets.push(inline.getSelectionSet());
          levels.push(level);
        } else if (selection instanceof Field field) {
          deepest = Math.max(deepest, level + 1);
          if (field.getSelectionSet() != null) {
            sets.push(field.getSelectionSet());
            levels.push(level + 1);
          }
        }
      }
    }
    return deepest;
  }
}
