package dev.gantry.gateway.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The prefilter may only ever say "cannot match" when the regex indeed cannot: a wrong "no" is a
 * bypass. Checked on every regex of the default rules against the attack corpus (as is and
 * through the rules' transforms) and against strings built from the regexes' own pieces; and the
 * one-pass literal scan agrees with the per-rule prefilter.
 */
class PrefilterTest {
  @Test
  void readsTheLiteralsOfCommonShapes() {
    assertEquals(Set.of("etc/passwd", "boot.ini"), Prefilter.of("etc/passwd|boot\\.ini").literals());
    assertEquals(Set.of("java.lang."), Prefilter.of("java\\.lang\\.(?:runtime|system)").literals());
    assertEquals(Set.of(";", "|", "&"), Prefilter.of("(?:[;|]|&)\\s*(?:id|whoami)\\b").literals());
    assertEquals(Set.of("<?"), Prefilter.of("<\\?(?:php\\b|=|\\s)").literals());
    assertNull(Prefilter.of("(?i)select"), "inline flags: no prefilter");
    assertNull(Prefilter.of("a|\\d+"), "an alternative without a literal: no prefilter");
    assertNull(Prefilter.of("x?y*"), "nothing required: no prefilter");
    assertEquals(Set.of("ab"), Prefilter.of("abc?").literals(), "an optional character is not required");
    assertEquals(Set.of("ab"), Prefilter.of("ab+c").literals(), "a repeated character ends the run");
  }

  @Test
  void neverRulesOutAValueItsRegexMatches() throws IOException {
    List<String> samples = new ArrayList<>();
    for (String file : List.of("sqli", "xss", "traversal", "rce", "lfi", "rfi", "php", "java", "scanners")) {
      for (String line : lines("waf/attacks/" + file + ".txt")) {
        samples.add(line);
        samples.add(line.toLowerCase());
        String decoded = Transform.URL_DECODE_REPEAT.apply(Transform.HTML_ENTITY_DECODE.apply(line));
        samples.add(decoded);
        samples.add(Transform.SHELL_UNQUOTE.apply(decoded.toLowerCase()));
        samples.add(Transform.REMOVE_WHITESPACE.apply(decoded.toLowerCase()));
      }
    }
    samples.addAll(lines("waf/false-positives/args.txt"));
    int checked = 0;
    int matched = 0;
    for (WafRule rule : WafType.defaults()) {
      for (WafRule.Condition c : rule.conditions()) {
        if (!(c.operator() instanceof Operator.Regex rx)) {
          continue;
        }
        List<String> all = new ArrayList<>(samples);
        all.addAll(fuzz(rx.pattern().pattern(), rule.id()));
        for (String s : all) {
          boolean matches = rx.pattern().matcher(s).find();
          if (rx.prefilter() != null) {
            checked++;
            if (matches) {
              matched++;
              assertTrue(rx.prefilter().mayMatch(s), "rule " + rule.id() + ": prefilter ruled out a match: " + s);
              LiteralScan scan = new LiteralScan(Map.of(3, rx.prefilter().literals()), 4);
              assertTrue((scan.scan(s)[0] & 1L << 3) != 0, "rule " + rule.id() + ": scan missed " + s);
            }
          }
        }
      }
    }
    assertTrue(checked > 10_000 && matched > 500, checked + " checked, " + matched + " matches");
  }

  /** Strings made of the regex's own literal fragments and punctuation, so that many of them match. */
  private static List<String> fuzz(String regex, long seed) {
    String[] pieces = regex.replaceAll("\\\\[sdwb]", " ").split("[|()\\[\\]?*+{}^$\\\\]+");
    String junk = " ;|&`$(){}<>'\"/\\.:=-_%\n\t#@!,0123456789abcxyz";
    Random random = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      StringBuilder b = new StringBuilder();
      int parts = 1 + random.nextInt(6);
      for (int p = 0; p < parts; p++) {
        if (random.nextBoolean() && pieces.length > 0) {
          b.append(pieces[random.nextInt(pieces.length)]);
        } else {
          b.append(junk.charAt(random.nextInt(junk.length())));
        }
      }
      out.add(b.toString());
    }
    return out;
  }

  @Test
  void theLiteralScanSeesLiteralsOfSeveralConditionsInOnePass() {
    LiteralScan scan = new LiteralScan(Map.of(0, Set.of("etc/passwd", "boot.ini"), 1, Set.of(";", "|"),
        70, Set.of("passwd")), 71);
    long[] found = scan.scan("x; cat /etc/passwd");
    assertNotNull(found);
    assertTrue((found[0] & 1) != 0 && (found[0] & 2) != 0 && (found[1] & 1L << 6) != 0);
    assertFalse((scan.scan("nothing here")[0] & 3) != 0);
    assertTrue((scan.scan("passwd")[1] & 1L << 6) != 0 && (scan.scan("passwd")[0] & 1) == 0,
        "a suffix literal inside a longer one's prefix");
  }

  private static List<String> lines(String resource) throws IOException {
    try (InputStream in = PrefilterTest.class.getClassLoader().getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }
  }
}
