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

class FragmentSpreadsTest {
  static Document parse(String text) {
    return Parser.parse(ParserEnvironment.newParserEnvironment().document(text)
        .parserOptions(ParserOptions.newParserOptions().maxTokens(1_000_000).maxCharacters(10_000_000).build()).build());
  }

  static String chain(int length, boolean twice) {
    StringBuilder text = new StringBuilder("{ product(id: 1) { ...F0 } }");
    for (int i = 0; i < length; i++) {
      text.append(" fragment F").append(i).append(" on Product { name ...F").append(i + 1)
          .append(twice ? " ...F" + (i + 1) : "").append(" }");
    }
    return text.append(" fragment F").append(length).append(" on Product { name }").toString();
  }

  @Test
  void aFragmentThatSpreadsItselfThroughOthersIsACycle() {
    Operations.Refused refused = FragmentSpreads.check(parse("""
        { product(id: 1) { ...A } }
        fragment A on Product { name ...B }
        fragment B on Product { ... on Product { related { ...C } } }
        fragment C on Product { ...A }
        """));
    assertNotNull(refused);
    ValidationError error = (ValidationError) refused.errors.get(0);
    assertEquals(ValidationErrorType.FragmentCycle, error.getValidationErrorType());
    assertTrue(error.getMessage().contains("fragment cycles are not allowed"), error.getMessage());
    assertNotNull(FragmentSpreads.check(parse("{ a { ...S } } fragment S on T { x { ...S } }")), "a fragment spreading itself");
  }

  @Test
  void fragmentsSharedWithoutACycleAreNot() {
    assertNull(FragmentSpreads.check(parse("""
        { a { ...A ...B } }
        fragment A on T { ...C ...D }
        fragment B on T { ...D ...Missing }
        fragment C on T { ...D }
        fragment D on T { x }
        """)));
    assertNull(FragmentSpreads.check(parse(chain(FragmentSpreads.MAX_NESTING - 1, true))), "64 fragments nested");
  }

  @Test
  void fragmentsNestedTooDeepAreRefusedNamingTheLimit() {
    Operations.Refused refused = FragmentSpreads.check(parse(chain(FragmentSpreads.MAX_NESTING, false)));
    assertNotNull(refused);
    assertEquals("MAX_FRAGMENT_NESTING_EXCEEDED", refused.code);
    assertTrue(refused.getMessage().startsWith("fragments nested more than 64 deep"), refused.getMessage());
  }

  @Test
  void fieldsNestedTooDeepThroughFragmentsAreRefused() {
    StringBuilder text = new StringBuilder("{ product(id: 1) { ...F0 } }");
    int depth = 20; // 60 fragments of 20 fields each: 1,200 levels, within the fragment nesting limit
    for (int i = 0; i < 60; i++) {
      text.append(" fragment F").append(i).append(" on Product { ").append("r { ".repeat(depth))
          .append(i < 59 ? "...F" + (i + 1) : "name").append(" }".repeat(depth)).append(" }");
    }
    Operations.Refused refused = FragmentSpreads.check(parse(text.toString()));
    assertNotNull(refused);
    assertEquals("MAX_FRAGMENT_NESTING_EXCEEDED", refused.code);
    assertTrue(refused.getMessage().startsWith("fields nested more than 1000 deep through fragments"), refused.getMessage());
    assertNull(FragmentSpreads.check(parse(text.toString().replace("r { ".repeat(depth), "r { ".repeat(10))
        .replace(" }".repeat(depth), " }".repeat(10)))), "60 fragments of 10 fields each");
  }

  @Test
  void aMegabyteChainSpreadTwiceALevelIsCheckedWithoutRecursion() {
    String text = chain(20_000, true); // about a megabyte, the most max-query-bytes allows
    Document document = parse(text);
    long started = System.nanoTime();
    assertEquals("MAX_FRAGMENT_NESTING_EXCEEDED", FragmentSpreads.check(document).code);
    System.out.println("FragmentSpreads over 20000 chained fragments (" + text.length() + " chars): "
        + (System.nanoTime() - started) / 1_000_000 + " ms");
  }
}
