package dev.gantry.gateway.waf;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request taken apart into the {@link Field}s rules look at, once per request: the query's
 * arguments decoded, headers, cookies, and — when the WAF read it — the body's arguments as its
 * Content-Type says (form, multipart, JSON leaves named {@code json.a.b}). What cannot be parsed
 * as declared becomes an {@link Collection#ERRORS} field rather than being skipped, so a rule can
 * refuse it. Transformed values are cached per transform chain, computed when first asked for.
 */
final class WafRequest {
  static final int MAX_ARGS = 1000;
  static final int MAX_JSON_DEPTH = 64;

  private final List<Field>[] byCollection;
  private int count;
  private int args;
  private String[][] transformed;

  @SuppressWarnings("unchecked")
  private WafRequest() {
    byCollection = new List[Collection.values().length];
  }

  static WafRequest of(HttpServerRequest req, Buffer body) {
    WafRequest r = new WafRequest();
    r.add(Collection.METHOD, null, req.method().name());
    r.add(Collection.PATH, null, req.path());
    r.add(Collection.PROTOCOL, null, req.version() == null ? "" : req.version().alpnName());
    String query = req.query();
    if (query != null) {
      r.add(Collection.QUERY, null, query);
      r.form(query, "query");
    }
    for (Map.Entry<String, String> h : req.headers()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      r.add(Collection.HEADERS, name, h.getValue());
      r.add(Collection.HEADER_NAMES, name, name);
      if (name.equals("cookie")) {
        r.cookies(h.getValue());
      }
    }
    if (body != null) {
      r.body(body, req.getHeader("Content-Type"));
    }
    return r;
  }

  private void add(Collection c, String name, String value) {
    List<Field> list = byCollection[c.ordinal()];
    if (list == null) {
      list = new ArrayList<>(4);
      byCollection[c.ordinal()] = list;
    }
    list.add(new Field(c, name, value, count++));
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

  /** {@code field}'s value through {@code chain} (numbered {@code chainId} by the policy), cached. */
  String value(Field field, Transform[] chain, int chainId, int chains) {
    if (chain.length == 0) {
      return field.value();
    }
    if (transformed == null) {
      transformed = new String[chains][];
    }
    String[] cache = transformed[chainId];
    if (cache == null) {
      cache = new String[count];
      transformed[chainId] = cache;
    }
    String v = cache[field.index()];
    if (v == null) {
      v = field.value();
      for (Transform t : chain) {
        v = t.apply(v);
      }
      cache[field.index()] = v;
    }
    return v;
  }

  /** {@code a=1&b=2}: each name and value URL-decoded once, as the upstream's framework will. */
  private void form(String text, String where) {
    int start = 0;
    boolean badEncoding = false;
    while (start <= text.length()) {
      int amp = text.indexOf('&', start);
      int end = amp < 0 ? text.length() : amp;
      if (end > start) {
        String pair = text.substring(start, end);
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        badEncoding |= badPercent(pair);
        arg(Transform.urlDecode(name), Transform.urlDecode(value));
      }
      start = end + 1;
    }
    if (badEncoding) {
      add(Collection.ERRORS, where, "invalid percent-encoding");
    }
  }

  private static boolean badPercent(String s) {
    for (int i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1)) {
      boolean pair = i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
          && Character.digit(s.charAt(i + 2), 16) >= 0;
      boolean wide = i + 5 < s.length() && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U');
      if (!pair && !wide) {
        return true;
      }
    }
    return false;
  }

  private void cookies(String header) {
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
      add(Collection.COOKIES, name, value);
      add(Collection.COOKIE_NAMES, name, name);
    }
  }

  private void body(Buffer body, String contentType) {
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    int semi = type.indexOf(';');
    String media = (semi < 0 ? type : type.substring(0, semi)).strip();
    if (media.equals("multipart/form-data")) {
      Multipart.parse(body, contentType, this::arg, (field, file) -> add(Collection.FILES, field, file),
          error -> add(Collection.ERRORS, "body", error));
      return; // file contents are not text to read
    }
    String text = body.toString(StandardCharsets.UTF_8);
    add(Collection.BODY, null, text);
    if (media.equals("application/x-www-form-urlencoded")) {
      form(text, "body");
    } else if (media.equals("application/json") || media.endsWith("+json")) {
      json(text);
    }
  }

  /** Every leaf of a JSON body as an argument named by its path; keys are argument names too. */
  private void json(String text) {
    Object root;
    try {
      root = Json.decodeValue(text);
    } catch (DecodeException e) {
      add(Collection.ERRORS, "body", "not valid JSON");
      return;
    }
    record Node(String name, Object value, int depth) {}
    Deque<Node> todo = new ArrayDeque<>();
    todo.push(new Node("json", root, 0));
    while (!todo.isEmpty()) {
      Node node = todo.pop();
      if (node.depth > MAX_JSON_DEPTH) {
        add(Collection.ERRORS, "body", "JSON nested deeper than " + MAX_JSON_DEPTH);
        return;
      }
      if (node.value instanceof JsonObject object) {
        for (Map.Entry<String, Object> e : object) {
          String name = node.name + "." + e.getKey();
          if (++args > MAX_ARGS) {
            add(Collection.ERRORS, "args", "more than " + MAX_ARGS + " arguments");
            return;
          }
          add(Collection.ARG_NAMES, name, e.getKey());
          todo.push(new Node(name, e.getValue(), node.depth + 1));
        }
      } else if (node.value instanceof JsonArray array) {
        for (Object item : array) {
          todo.push(new Node(node.name, item, node.depth + 1)); // elements share their array's name
        }
      } else if (node.value != null) {
        if (++args > MAX_ARGS) {
          add(Collection.ERRORS, "args", "more than " + MAX_ARGS + " arguments");
          return;
        }
        add(Collection.ARGS, node.name, String.valueOf(node.value));
      }
    }
  }
}
