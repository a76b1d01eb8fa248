package dev.gantry.gateway.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Cookie header taken apart without copies gives the fields the plain reading gives: split at
 * ';', each part and its name and value stripped of white space, a quoted value unquoted.
 */
class WafRequestCookiesTest {
  /** The plain reading, as the WAF first wrote it. */
  private static List<String> expected(String header) {
    List<String> out = new ArrayList<>();
    for (String part : header.split(";")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      String name = eq < 0 ? p : p.substring(0, eq).strip();
      String value = eq < 0 ? "" : p.substring(eq + 1).strip();
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      out.add(name + "=" + value);
    }
    return out;
  }

  private static List<String> read(String header) {
    WafRequest r = WafRequest.of("GET", "/", null, MultiMap.caseInsensitiveMultiMap().add("Cookie", header),
        "http/1.1", null);
    return r.fields(Collection.COOKIES).stream().map(f -> f.name() + "=" + f.value()).toList();
  }

  @Test
  void examples() {
    assertEquals(List.of("a=1", "b=two words", "c=", "d=\"", "=e"), read(" a=1;b = \"two words\" ; c;;\t d=\"; =e ;"));
    assertEquals(List.of(), read(""));
    assertEquals(List.of(), read(" ; ;\t"));
  }

  @Test
  void randomHeadersReadAsThePlainReadingReadsThem() {
    Random random = new Random(20261127);
    char[] alphabet = {'a', 'b', '=', ';', ' ', '\t', '"', '\u00a0', '\u2003', 'é', '=', ';'};
    for (int i = 0; i < 20_000; i++) {
      StringBuilder header = new StringBuilder();
      int length = random.nextInt(24);
      for (int j = 0; j < length; j++) {
        header.append(alphabet[random.nextInt(alphabet.length)]);
      }
      String h = header.toString();
      assertEquals(expected(h), read(h), () -> "Cookie: [" + h + "]");
    }
  }
}
