package dev.gantry.gateway.waf;

import dev.gantry.gateway.security.TextKey;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * A request taken apart into the {@link Field}s rules look at, once per request: the query's
 * arguments decoded, headers, cookies, and — when the WAF read it — the body's arguments as its
 * Content-Type says (form, multipart, JSON leaves named {@code json.a.b}). What cannot be parsed
 * as declared becomes an {@link Collection#ERRORS} field rather than being skipped, so a rule can
 * refuse it. Transformed values are cached per transform chain, computed when first asked for.
 */
final class WafRequest {
  static final int MAX_ARGS = 100_000;
  static final int MAX_JSON_DEPTH = 256;

  private final List<Field>[] byCollection;
  /**
   * Distinct values, numbered: an array of objects repeats its keys and often its values. Keyed
   * by {@link TextKey}: a long value (a bearer token) is not hashed whole, here or in the memo.
   * An open-addressed table (a power of two, at most half full) of numbers into {@link #keys},
   * plus one: 0 is a free slot. No map node or boxed number per value. Texts that share a hash are
   * easy to make (a long value's hash reads only some of its characters), so once a value had to
   * pass {@link #MAX_PROBES} others the table gives way to a {@link java.util.HashMap}
   * ({@link #crowded}), whose crowded bins become trees.
   */
  private int[] slots;
  private java.util.HashMap<TextKey, Integer> crowded;
  static final int MAX_PROBES = 32;
  /** The distinct values' keys, by number; {@link #distinct} of them. */
  private TextKey[] keys;
  private int distinct;
  private int args;
  private String[][] transformed;
  /** Per condition, per distinct value: 0 not tested yet, 1 no match, 2 match. */
  private byte[][] outcomes;

  @SuppressWarnings("unchecked")
  private WafRequest(int expectedValues) {
    byCollection = new List[COLLECTIONS];
    slots = new int[Integer.highestOneBit(expectedValues * 2 - 1) << 1]; // no growing while it fills
    keys = new TextKey[expectedValues];
  }

  private static final int COLLECTIONS = Collection.values().length;

  static WafRequest of(HttpServerRequest req, Buffer body) {
    return of(req.method().name(), req.path(), req.query(), req.headers(),
        req.version() == null ? "" : req.version().alpnName(), body);
  }

  /** A request given as parts: its normalised path, raw query (or null), headers and read body (or null). */
  static WafRequest of(String method, String path, String query, MultiMap headers, String protocol, Buffer body) {
    // room for a browser's GET (method, path, protocol, query and arguments, a dozen headers' names
    // and values, a few cookies); not headers.size(), which Vert.x counts by collecting the names
    WafRequest r = new WafRequest(body == null ? 48 : 128);
    r.add(Collection.METHOD, null, method);
    r.add(Collection.PATH, null, path);
    r.add(Collection.PROTOCOL, null, protocol);
    if (query != null) {
      r.add(Collection.QUERY, null, query);
      r.form(query, "query");
    }
    headers.forEach(r::header); // Vert.x's headers walk their fields without an entry object each
    if (body != null) {
      r.body(body, headers.get("Content-Type"));
    }
    return r;
  }

  private void header(String rawName, String value) {
    String name = HeaderNames.lower(rawName);
    add(Collection.HEADERS, name, value);
    add(Collection.HEADER_NAMES, name, name);
    if (name.equals("cookie")) {
      cookies(value);
    }
  }

  private void add(Collection c, String name, String value) {
    List<Field> list = byCollection[c.ordinal()];
    if (list == null) {
      list = new ArrayList<>(c == Collection.HEADERS || c == Collection.HEADER_NAMES ? 16 : 4); // a browser sends a dozen
      byCollection[c.ordinal()] = list;
    }
    list.add(new Field(c, name, value, number(new TextKey(value))));
  }

  /** {@code key}'s number among the distinct values, given one if it is new. */
  private int number(TextKey key) {
    if (crowded != null) {
      Integer known = crowded.putIfAbsent(key, distinct);
      return known != null ? known : append(key);
    }
    int mask = slots.length - 1;
    int i = spread(key.hashCode()) & mask;
    for (int probes = 0; probes < MAX_PROBES; probes++, i = i + 1 & mask) {
      int n = slots[i];
      if (n == 0) {
        slots[i] = distinct + 1;
        append(key);
        if (distinct * 2 > slots.length) {
          grow();
        }
        return distinct - 1;
      }
      if (keys[n - 1].equals(key)) {
        return n - 1;
      }
    }
    crowded = new java.util.HashMap<>(distinct * 4);
    for (int n = 0; n < distinct; n++) {
      crowded.put(keys[n], n);
    }
    slots = null;
    return number(key);
  }

  /** Whether the values outgrew the open table for a {@link java.util.HashMap} (for tests). */
  boolean crowded() {
    return crowded != null;
  }

  /** The number of distinct values (for tests). */
  int distinct() {
    return distinct;
  }

  private int append(TextKey key) {
    if (distinct == keys.length) {
      keys = java.util.Arrays.copyOf(keys, distinct * 2);
    }
    keys[distinct] = key;
    return distinct++;
  }

  /** A hash's bits mixed into the low ones: short texts' hashes differ in a few low bits and would crowd together. */
  private static int spread(int h) {
    int m = h * 0x9E3779B9;
    return m ^ m >>> 16;
  }

  private void grow() {
    int[] bigger = new int[slots.length * 2];
    int mask = bigger.length - 1;
    for (int n = 1; n <= distinct; n++) {
      int i = spread(keys[n - 1].hashCode()) & mask;
      while (bigger[i] != 0) {
        i = i + 1 & mask;
      }
      bigger[i] = n;
    }
    slots = bigger;
  }

  private void arg(String name, String value) {
    if (++args > MAX_ARGS) {
      if (args == MAX_ARGS + 1) {
        add(Collection.ERRORS, "args", "more than " + MAX_ARGS + " arguments");
      }
      return;
    }
    add(Collection.ARGS, name, value);
    add(Collection.ARG_NAMES, name, name);
  }

  List<Field> fields(Collection c) {
    List<Field> list = byCollection[c.ordinal()];
    return list == null ? List.of() : list;
  }

  /**
   * {@code field}'s value through transform chain {@code chainId}, cached: a chain that extends
   * another ({@code plan.parent}) starts from that one's cached value and applies only the rest.
   */
  String value(Field field, int chainId, Chains plan) {
    if (chainId < 0) {
      return field.value();
    }
    if (transformed == null) {
      transformed = new String[plan.size()][];
    }
    String[] cache = transformed[chainId];
    if (cache == null) {
      cache = new String[distinct];
      transformed[chainId] = cache;
    }
    String v = cache[field.index()];
    if (v == null) {
      v = value(field, plan.parent(chainId), plan);
      for (Transform t : plan.rest(chainId)) {
        v = t.apply(v);
      }
      cache[field.index()] = v;
    }
    return v;
  }

  private long[][][] literals;

  /** Which conditions' literals {@code value} (field's value through chain {@code slot}) holds; scanned once. */
  long[] literals(int slot, int slots, Field field, LiteralScan scan, String value) {
    if (literals == null) {
      literals = new long[slots][][];
    }
    if (literals[slot] == null) {
      literals[slot] = new long[distinct][];
    }
    long[] found = literals[slot][field.index()];
    if (found == null) {
      found = scan.scan(value);
      literals[slot][field.index()] = found;
    }
    return found;
  }

  /** Across requests, the conditions values are known not to match; null when none is kept. */
  private KnownMisses memo;
  /** Per distinct value: what the memo knew of it when first asked ({@link KnownMisses#NOTHING}: nothing), or null. */
  private long[][] recalled;
  /** Per distinct value: what the memo knew and this request found besides, once it found something. */
  private long[][] learned;
  /** A field of each value with something {@link #learned}, in the order found. */
  private List<Field> learners;

  /** Lets {@link #outcome} consult {@code memo} and {@link #teach} add to it; null: neither. */
  void recall(KnownMisses memo) {
    this.memo = memo;
  }

  /**
   * What condition {@code condition} (of {@code conditions}) found on a value before: 1 no match,
   * 2 match, 0 not known. A value's first question looks it up in the memo, once per request.
   */
  byte outcome(int condition, int conditions, Field field) {
    if (outcomes != null && outcomes[condition] != null && outcomes[condition][field.index()] != 0) {
      return outcomes[condition][field.index()];
    }
    if (memo == null) {
      return 0;
    }
    long[] known = recalled(field);
    int word = condition >>> 6;
    return word < known.length && (known[word] & 1L << condition) != 0 ? (byte) 1 : 0;
  }

  void outcome(int condition, int conditions, Field field, boolean matched) {
    if (outcomes == null) {
      outcomes = new byte[conditions][];
    }
    if (outcomes[condition] == null) {
      outcomes[condition] = new byte[distinct];
    }
    outcomes[condition][field.index()] = (byte) (matched ? 2 : 1);
    if (!matched && memo != null && KnownMisses.keeps(field.value())) {
      if (learned == null) {
        learned = new long[distinct][];
        learners = new ArrayList<>();
      }
      long[] bits = learned[field.index()];
      if (bits == null) {
        bits = java.util.Arrays.copyOf(recalled(field), (conditions + 63) >>> 6); // the memo's copy stays as it is
        learned[field.index()] = bits;
        learners.add(field);
      }
      bits[condition >>> 6] |= 1L << condition;
    }
  }

  /** Per collection: the conditions the memo knows every field of it not to match (AND of theirs), or null. */
  private long[][] cleanInAll;

  /**
   * Whether the memo knows that no field of {@code c} matches {@code condition}: then neither does
   * any subset of them (one field by name, the collection less exclusions), and a rule need not
   * look at each. Computed once per collection and request, from what the memo knew when asked.
   */
  boolean knownCleanInAll(Collection c, int condition) {
    if (memo == null) {
      return false;
    }
    long[] bits = knownInAll(c);
    int word = condition >>> 6;
    return word < bits.length && (bits[word] & 1L << condition) != 0;
  }

  /** The conditions the memo knows every field of {@code c} not to match (none when it has no field); computed once. */
  private long[] knownInAll(Collection c) {
    if (cleanInAll == null) {
      cleanInAll = new long[COLLECTIONS][];
    }
    long[] bits = cleanInAll[c.ordinal()];
    if (bits == null) {
      List<Field> fields = fields(c);
      bits = fields.isEmpty() ? KnownMisses.NOTHING : recalled(fields.get(0)).clone();
      for (int i = 1; i < fields.size() && bits.length > 0; i++) {
        long[] other = recalled(fields.get(i));
        if (other.length < bits.length) {
          bits = java.util.Arrays.copyOf(bits, other.length);
        }
        for (int w = 0; w < bits.length; w++) {
          bits[w] &= other[w];
        }
      }
      cleanInAll[c.ordinal()] = bits;
    }
    return bits;
  }

  /**
   * The conditions known (from the memo) to match nothing anywhere they look in this request, as
   * bits by condition number: a condition is clean when, at every place it looks
   * ({@code places[k]}, a collection or one field by name, looked at by the conditions
   * {@code lookingAt[k]}), every field there is known not to match it; a place with no field holds
   * nothing to match. Before the rules run: a rule with a clean condition cannot match, whatever
   * its exclusions would have left out.
   */
  long[] cleanConditions(Target[] places, long[][] lookingAt, int conditions) {
    long[] clean = new long[(conditions + 63) >>> 6];
    java.util.Arrays.fill(clean, -1L);
    for (int k = 0; k < places.length; k++) {
      Target place = places[k];
      long[] looking = lookingAt[k];
      long[] known = null; // null: no field here (nothing to match)
      if (place.name() == null) {
        if (!fields(place.collection()).isEmpty()) {
          known = knownInAll(place.collection());
        }
      } else {
        List<Field> fields = fields(place.collection());
        for (int i = 0, n = fields.size(); i < n; i++) { // indexed: no iterator per place and request
          Field f = fields.get(i);
          if (place.covers(f)) {
            known = and(known, recalled(f));
          }
        }
      }
      if (known == null) {
        continue;
      }
      for (int w = 0; w < clean.length; w++) {
        clean[w] &= (w < known.length ? known[w] : 0L) | ~looking[w];
      }
    }
    return clean;
  }

  private static long[] and(long[] sofar, long[] bits) {
    if (sofar == null) {
      return bits.clone();
    }
    for (int w = 0; w < sofar.length; w++) {
      sofar[w] &= w < bits.length ? bits[w] : 0L;
    }
    return sofar;
  }

  private long[] recalled(Field field) {
    if (recalled == null) {
      recalled = new long[distinct][];
    }
    long[] known = recalled[field.index()];
    if (known == null) {
      known = memo.of(keys[field.index()]);
      recalled[field.index()] = known;
    }
    return known;
  }

  /** Hands the memo what this request found; once, after the rules ran. The request asks it nothing more. */
  void teach() {
    if (learners != null) {
      for (Field f : learners) {
        memo.learn(keys[f.index()], learned[f.index()]);
      }
    }
    memo = null;
    learned = null;
    learners = null;
  }

  /**
   * The distinct transform chains of a policy's rules, each with the longest other chain it
   * extends, so that a value goes through a shared prefix once.
   */
  static final class Chains {
    private final int[] parent;
    private final Transform[][] rest;

    Chains(java.util.Collection<java.util.List<Transform>> chains, java.util.function.ToIntFunction<java.util.List<Transform>> ids) {
      int size = chains.stream().mapToInt(ids).max().orElse(-1) + 1;
      parent = new int[size];
      rest = new Transform[size][];
      for (java.util.List<Transform> chain : chains) {
        int id = ids.applyAsInt(chain);
        java.util.List<Transform> best = null;
        for (java.util.List<Transform> other : chains) {
          if (other.size() < chain.size() && !other.isEmpty() && chain.subList(0, other.size()).equals(other)
              && (best == null || other.size() > best.size())) {
            best = other;
          }
        }
        parent[id] = best == null ? -1 : ids.applyAsInt(best);
        rest[id] = chain.subList(best == null ? 0 : best.size(), chain.size()).toArray(Transform[]::new);
      }
    }

    int size() {
      return parent.length;
    }

    int parent(int id) {
      return parent[id];
    }

    Transform[] rest(int id) {
      return rest[id];
    }
  }

  /** {@code a=1&b=2}: each name and value URL-decoded once, as the upstream's framework will. */
  private void form(String text, String where) {
    int start = 0;
    boolean badEncoding = false;
    while (start <= text.length()) {
      int amp = text.indexOf('&', start);
      int end = amp < 0 ? text.length() : amp;
      if (end > start) {
        int eq = indexOf(text, '=', start, end);
        String name = text.substring(start, eq < 0 ? end : eq);
        String value = eq < 0 ? "" : text.substring(eq + 1, end);
        badEncoding |= badPercent(text, start, end);
        arg(Transform.urlDecode(name), Transform.urlDecode(value));
      }
      start = end + 1;
    }
    if (badEncoding) {
      add(Collection.ERRORS, where, "invalid percent-encoding");
    }
  }

  /**
   * Where {@code c} first is in {@code s} from {@code from} to {@code to}, or -1. Searches that
   * range only: a search to the end of a body, once per pair, would make a form of many short
   * pairs cost its length squared.
   */
  private static int indexOf(String s, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  /** Whether {@code s} from {@code from} to {@code to} holds a '%' that starts no escape. */
  private static boolean badPercent(String s, int from, int to) {
    for (int i = indexOf(s, '%', from, to); i >= 0; i = indexOf(s, '%', i + 1, to)) {
      boolean pair = i + 2 < to && Character.digit(s.charAt(i + 1), 16) >= 0
          && Character.digit(s.charAt(i + 2), 16) >= 0;
      boolean wide = i + 5 < to && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U');
      if (!pair && !wide) {
        return true;
      }
    }
    return false;
  }

  private void cookies(String header) {
    int len = header.length();
    for (int start = 0; start <= len; ) {
      int semi = header.indexOf(';', start);
      int end = semi < 0 ? len : semi;
      // each part stripped of white space, as String.strip would, without the copies
      int from = skipSpace(header, start, end);
      int to = backSpace(header, from, end);
      if (from < to) {
        int eq = header.indexOf('=', from);
        String name;
        String value;
        if (eq < 0 || eq >= to) {
          name = header.substring(from, to);
          value = "";
        } else {
          name = header.substring(from, backSpace(header, from, eq));
          int vFrom = skipSpace(header, eq + 1, to);
          if (to - vFrom >= 2 && header.charAt(vFrom) == '"' && header.charAt(to - 1) == '"') {
            value = header.substring(vFrom + 1, to - 1);
          } else {
            value = header.substring(vFrom, to);
          }
        }
        add(Collection.COOKIES, name, value);
        add(Collection.COOKIE_NAMES, name, name);
      }
      start = end + 1;
    }
  }

  private static int skipSpace(String s, int from, int to) {
    while (from < to && Character.isWhitespace(s.charAt(from))) {
      from++;
    }
    return from;
  }

  private static int backSpace(String s, int from, int to) {
    while (to > from && Character.isWhitespace(s.charAt(to - 1))) {
      to--;
    }
    return to;
  }

  /**
   * The body's arguments as its Content-Type says: form fields, multipart parts, JSON (and NDJSON)
   * leaves, XML text and attribute values. A body of any other type that was read (text, GraphQL,
   * none declared) is one argument, {@code args:body}, and is read as JSON too when it looks like
   * JSON: many frameworks parse JSON whatever the request calls it.
   */
  private void body(Buffer body, String contentType) {
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    int semi = type.indexOf(';');
    String media = (semi < 0 ? type : type.substring(0, semi)).strip();
    if (media.startsWith("multipart/")) {
      Multipart.parse(body, contentType, this::arg, (field, file) -> add(Collection.FILES, field, file),
          error -> add(Collection.ERRORS, "body", error));
      return; // file contents are not text to read
    }
    String text = body.toString(StandardCharsets.UTF_8);
    add(Collection.BODY, null, text);
    if (media.equals("application/x-www-form-urlencoded")) {
      form(text, "form");
    } else if (media.equals("application/json") || media.endsWith("+json")) {
      json(body, true);
    } else if (media.equals("application/x-ndjson") || media.equals("application/jsonl")
        || media.equals("application/json-seq") || media.equals("application/jsonlines")) {
      for (String line : text.split("[\\r\\n\\u001e]+")) {
        if (!line.isBlank()) {
          json(Buffer.buffer(line), true);
        }
      }
    } else if (media.contains("xml")) {
      xml(text);
    } else {
      String start = text.stripLeading();
      if (start.startsWith("{") || start.startsWith("[")) {
        json(body, false);
      }
      arg("body", text);
    }
  }

  private static final java.util.regex.Pattern XML_ATTRIBUTE =
      // a name starts where the previous run of name characters ended, and is taken whole: a long
      // run without '=' is read once, not once from each of its characters
      java.util.regex.Pattern.compile("(?<![\\w:.-])([\\w:.-]++)\\s*+=\\s*+(?:\"([^\"]*+)\"|'([^']*+)')");

  /** XML text, CDATA and attribute values as arguments ({@code xml}, {@code xml.@name}); markup is not an argument. */
  private void xml(String text) {
    int i = 0;
    int len = text.length();
    while (i < len) {
      if (text.startsWith("<![CDATA[", i)) {
        int end = text.indexOf("]]>", i + 9);
        arg("xml", text.substring(i + 9, end < 0 ? len : end));
        i = end < 0 ? len : end + 3;
      } else if (text.startsWith("<!--", i)) {
        int end = text.indexOf("-->", i + 4);
        i = end < 0 ? len : end + 3;
      } else if (text.charAt(i) == '<') {
        int end = text.indexOf('>', i);
        String tag = text.substring(i, end < 0 ? len : end);
        java.util.regex.Matcher a = XML_ATTRIBUTE.matcher(tag);
        while (a.find()) {
          arg("xml.@" + a.group(1), a.group(2) != null ? a.group(2) : a.group(3));
        }
        i = end < 0 ? len : end + 1;
      } else {
        int end = text.indexOf('<', i);
        String content = text.substring(i, end < 0 ? len : end);
        if (!content.isBlank()) {
          arg("xml", content);
        }
        i = end < 0 ? len : end;
      }
    }
  }

  private static final JsonFactory JSON = new JsonFactory();

  /**
   * Every string leaf of a JSON body as an argument named by its path ({@code json.a.b}; array
   * elements share their array's name), keys as argument names too. Read as a stream: a key given
   * twice is inspected twice, whichever one the upstream's parser keeps.
   */
  private void json(Buffer body, boolean declared) {
    Deque<String> containers = new ArrayDeque<>();
    Deque<Boolean> objects = new ArrayDeque<>();
    String key = null;
    try (JsonParser p = JSON.createParser(body.getBytes())) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        String here = containers.isEmpty() ? "json" : objects.peek() ? key : containers.peek();
        switch (t) {
          case FIELD_NAME -> {
            key = containers.peek() + "." + p.currentName();
            if (!counted()) {
              return;
            }
            add(Collection.ARG_NAMES, key, p.currentName());
          }
          case START_OBJECT, START_ARRAY -> {
            if (containers.size() == MAX_JSON_DEPTH) {
              add(Collection.ERRORS, "body", "JSON nested deeper than " + MAX_JSON_DEPTH);
              return;
            }
            containers.push(here);
            objects.push(t == JsonToken.START_OBJECT);
          }
          case END_OBJECT, END_ARRAY -> {
            containers.pop();
            objects.pop();
          }
          case VALUE_STRING -> {
            if (!counted()) {
              return;
            }
            add(Collection.ARGS, here, p.getText());
          }
          default -> { } // numbers, booleans and nulls carry no attack
        }
      }
    } catch (IOException | RuntimeException e) {
      if (declared) {
        add(Collection.ERRORS, "body", "not valid JSON");
      }
    }
  }

  private boolean counted() {
    if (++args > MAX_ARGS) {
      add(Collection.ERRORS, "args", "more than " + MAX_ARGS + " arguments");
      return false;
    }
    return true;
  }
}
