package dev.gantry.bench;

import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.spec.SpecReader;
import dev.gantry.gateway.waf.Waf;
import dev.gantry.gateway.waf.WafType;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The WAF's default rules at paranoia 1 on what most traffic is: a browser's GET with a query,
 * cookies and the usual headers, and an API's 64 KB JSON body (a page of products). Both are
 * clean, so every rule runs to the end; the attack case stops at its first critical match.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WafBench {
  private Waf waf;
  private MultiMap browserHeaders;
  private MultiMap jsonHeaders;
  private MultiMap bearerHeaders;
  private Buffer json64k;
  /** Search queries that differ from call to call, as a catalogue's do; the headers stay a browser's. */
  private String[] queries;
  private int next;

  @Setup
  public void setUp() {
    WafType type = new WafType();
    waf = type.create(type.read(SpecReader.of(new JsonObject().put("paranoia", 1), "waf")), PolicyRuntime.detached());
    browserHeaders = MultiMap.caseInsensitiveMultiMap()
        .add("Host", "shop.example.com")
        .add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36")
        .add("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8")
        .add("Accept-Language", "en-GB,en;q=0.9,de;q=0.8")
        .add("Accept-Encoding", "gzip, deflate, br")
        .add("Referer", "https://shop.example.com/catalog?category=shoes&sort=price")
        .add("Cookie", "session=7f3a9c2e-41b2-4f0e-9d7a-2c5b8e1f6a90; theme=dark; _ga=GA1.2.1234567890.1718105400");
    JsonArray products = new JsonArray();
    for (int i = 0; products.encode().length() < 64 * 1024; i++) {
      products.add(new JsonObject().put("sku", "SKU-" + i).put("name", "Trail running shoe, model " + i)
          .put("description", "Light, breathable and made for long runs; it's our customers' favourite since 2019.")
          .put("price", 89.95 + i).put("tags", new JsonArray().add("running").add("outdoor")).put("inStock", i % 3 != 0));
    }
    json64k = Buffer.buffer(new JsonObject().put("page", 1).put("products", products).encode());
    StringBuilder jwt = new StringBuilder("Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6ImJlbmNoIn0.");
    for (int i = 0; jwt.length() < 800; i++) {
      jwt.append((char) ('a' + i * 7 % 26)).append(i % 10);
    }
    bearerHeaders = MultiMap.caseInsensitiveMultiMap().addAll(browserHeaders).add("Authorization", jwt.toString());
    jsonHeaders = MultiMap.caseInsensitiveMultiMap().add("Host", "api.example.com")
        .add("User-Agent", "okhttp/4.12.0").add("Content-Type", "application/json")
        .add("Content-Length", String.valueOf(json64k.length()));
    queries = new String[1_000];
    String[] words = {"running", "shoes", "trail", "red", "waterproof", "men's", "kids", "sale", "size 42", "leather"};
    for (int i = 0; i < queries.length; i++) {
      queries[i] = "q=" + words[i % words.length] + "+" + words[i / words.length % words.length] + "+" + i
          + "&page=" + (i % 7 + 1) + "&sort=price";
    }
    if (typicalGet().score() != 0 || freshStringsGet().score() != 0 || freshBearerGet().score() != 0 || variedQueryGet().score() != 0 || uniqueQueryGet().score() != 0 || json64kBody().score() != 0 || attackGet().score() < 5) {
      throw new IllegalStateException("the benchmark's requests are not what they claim to be");
    }
  }

  @Benchmark
  public Waf.Inspection typicalGet() {
    return waf.inspect("GET", "/catalog/items/12345", "q=running+shoes&page=2&sort=price", browserHeaders, null);
  }

  /**
   * The typical GET as a server hands it over: every header value a new String (a decoder makes
   * fresh ones per request), so its hash is computed again, as on the request path; includes the
   * copies' own cost (a few hundred ns).
   */
  @Benchmark
  public Waf.Inspection freshStringsGet() {
    MultiMap fresh = MultiMap.caseInsensitiveMultiMap();
    for (java.util.Map.Entry<String, String> h : browserHeaders) {
      fresh.add(new String(h.getKey().toCharArray()), new String(h.getValue().toCharArray()));
    }
    return waf.inspect("GET", new String("/catalog/items/12345".toCharArray()),
        new String("q=running+shoes&page=2&sort=price".toCharArray()), fresh, null);
  }

  /**
   * The fresh-strings GET of an API client: a bearer token (an RS256 JWT's length, about 800
   * characters) beside the browser's headers, every value a new String as the decoder hands it over.
   */
  @Benchmark
  public Waf.Inspection freshBearerGet() {
    MultiMap fresh = MultiMap.caseInsensitiveMultiMap();
    for (java.util.Map.Entry<String, String> h : bearerHeaders) {
      fresh.add(new String(h.getKey().toCharArray()), new String(h.getValue().toCharArray()));
    }
    return waf.inspect("GET", new String("/catalog/items/12345".toCharArray()),
        new String("q=running+shoes&page=2&sort=price".toCharArray()), fresh, null);
  }

  /** Headers repeat, the query cycles through 1,000 different ones. */
  @Benchmark
  public Waf.Inspection variedQueryGet() {
    String query = queries[next++ % queries.length];
    return waf.inspect("GET", "/catalog/items/12345", query, browserHeaders, null);
  }

  /** Headers repeat, the query's {@code q} is one never seen before. */
  @Benchmark
  public Waf.Inspection uniqueQueryGet() {
    return waf.inspect("GET", "/catalog/items/12345", "q=running+shoes+" + next++ + "&page=2&sort=price",
        browserHeaders, null);
  }

  @Benchmark
  public Waf.Inspection json64kBody() {
    return waf.inspect("POST", "/api/products", null, jsonHeaders, json64k);
  }

  @Benchmark
  public Waf.Inspection attackGet() {
    return waf.inspect("GET", "/catalog/items/12345", "q=1%27+or+%271%27%3D%271&page=2", browserHeaders, null);
  }
}
