package dev.gantry.gateway.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import graphql.language.Document;
import graphql.parser.Parser;
import graphql.parser.ParserEnvironment;
import graphql.parser.ParserOptions;
import graphql.validation.ValidationError;
import graphql.validation.ValidationErrorType;
import org.junit.jupiter.api.Test;

class FragmentCyclesTest {
  static Document parse(String text) {
    return Parser.parse(ParserEnvironment.newParserEnvironment().document(text)
        .parserOptions(ParserOptions.newParserOptions().maxTokens(1_000_000).maxCharacters(10_000_000).build()).build());
  }

  @Test
  void aFragmentThatSpreadsItselfThroughOthersIsACycle() {
    ValidationError error = FragmentCycles.first(parse("""
        { product(id: 1) { ...A } }
        fragment A on Product { name ...B }
        fragment B on Product { ... on Product { related { ...C } } }
        fragment C on Product { ...A }
        """));
    assertNotNull(error);
    assertEquals(ValidationErrorType.FragmentCycle, error.getValidationErrorType());
    assertTrue(error.getMessage().contains("fragment cycles are not allowed"), error.getMessage());
    assertNotNull(FragmentCycles.first(parse("{ a { ...S } } fragment S on T { x { ...S } }")), "a fragment spreading itself");
  }

  @Test
  void fragmentsSharedWithoutACycleAreNot() {
    assertNull(FragmentCycles.first(parse("""
        { a { ...A ...B } }
        fragment A on T { ...C ...D }
        fragment B on T { ...D ...Missing }
        fragment C on T { ...D }
        fragment D on T { x }
        """)));
  }

  @Test
  void aChainSpreadTwiceALevelIsCheckedInLinearTime() {
    StringBuilder text = new StringBuilder("{ product(id: 1) { ...F0 } }");
    int n = 20_000; // about a megabyte, the most max-query-bytes allows
    for (int i = 0; i < n; i++) {
      text.append(" fragment F").append(i).append(" on Product { name ...F").append(i + 1).append(" ...F").append(i + 1).append(" }");
    }
    text.append(" fragment F").append(n).append(" on Product { ...F0 }");
    Document document = parse(text.toString());
    long started = System.nanoTime();
    ValidationError error = FragmentCycles.first(document);
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertNotNull(error, "the last fragment closes the chain into a cycle");
    System.out.println("FragmentCycles over " + n + " chained fragments (" + text.length() + " chars): " + millis + " ms");
  }
}
