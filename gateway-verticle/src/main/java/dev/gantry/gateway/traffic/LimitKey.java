package dev.gantry.gateway.traffic;

import dev.gantry.codecs.Principal;
import dev.gantry.gateway.edge.Peer;
import dev.gantry.gateway.policy.RouteExchange;
import dev.gantry.gateway.security.Cidr;
import dev.gantry.gateway.security.IdentityMemo;
import dev.gantry.gateway.security.Sha256;
import dev.gantry.gateway.spec.SpecReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Whose requests a limit counts together: {@code client-ip} (the peer address; an IPv6 client by
 * its /64, since one customer holds 2^64 addresses), {@code principal} (the authenticated
 * subject), {@code consumer} (the API consumer), {@code api-key} (the subject a key authenticated),
 * {@code route} (everyone together) or {@code header:X-Name}. A request without the value
 * (anonymous, no such header) is counted by its client address instead — never all together
 * under "no value", which one client could exhaust for everybody.
 *
 * <p>Values a client chooses (header values, subjects) are hashed, so a store key has a bounded
 * length and no character of the client's choosing.
 */
public record LimitKey(Kind kind, String header) {
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");

  public enum Kind {
    CLIENT_IP("client-ip"), PRINCIPAL("principal"), CONSUMER("consumer"), API_KEY("api-key"), ROUTE("route"),
    HEADER("header:");

    private final String text;

    Kind(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** Reads {@code key}, one of {@code kinds} ({@code fallback} when absent). */
  static LimitKey read(SpecReader config, String fallback, List<Kind> kinds) {
    String text = config.string("key", fallback);
    String known = String.join(", ", kinds.stream().map(k -> k == Kind.HEADER ? "header:<name>" : k.text()).toList());
    for (Kind kind : kinds) {
      if (kind == Kind.HEADER && text.startsWith(kind.text())) {
        String name = text.substring(kind.text().length());
        if (!TOKEN.matcher(name).matches()) {
          throw SpecReader.invalid(config.path("key"), "not a header name: " + name);
        }
        return new LimitKey(kind, name);
      }
      if (kind.text().equals(text)) {
        return new LimitKey(kind, null);
      }
    }
    throw SpecReader.invalid(config.path("key"), "unknown key kind " + text + " (known: " + known + ")");
  }

  /**
   * Keys worked out before, per kind, by the identity of what they came from: a principal (the JWT
   * policy's cache of verified tokens and the API-key policy hand out one object per token or key)
   * or the peer's address text (one string per connection, {@link Peer}). A client's next request
   * then costs no hash, lookup or string of its own; a principal made anew per request (OIDC
   * introspection) only misses.
   */
  private static final List<IdentityMemo<Object, String>> MEMOS = java.util.Arrays.stream(Kind.values())
      .map(k -> new IdentityMemo<Object, String>(4096)).toList();

  /** The request's counting identity, safe in a store key: kind, then the address or a hash. */
  String of(RouteExchange exchange) {
    Principal who = exchange.principal();
    // from the principal only where the key is the principal's alone; otherwise from the address
    boolean byPrincipal = who != null && (kind == Kind.PRINCIPAL || kind == Kind.CONSUMER && who.consumer() != null
        || kind == Kind.API_KEY && "api-key".equals(who.method()));
    Object from = byPrincipal ? who : kind == Kind.HEADER || kind == Kind.ROUTE ? null : Peer.hostAddress(exchange.request());
    if (from == null) {
      return computed(exchange, who);
    }
    IdentityMemo<Object, String> memo = MEMOS.get(kind.ordinal());
    String known = memo.get(from);
    return known != null ? known : memo.put(from, computed(exchange, who));
  }

  private String computed(RouteExchange exchange, Principal who) {
    return switch (kind) {
      case ROUTE -> "route";
      case CLIENT_IP -> clientIp(exchange);
      // A subject is unique per issuer only: another issuer's (or an API consumer's) "alice" is someone else.
      case PRINCIPAL -> who == null ? clientIp(exchange)
          : "sub:" + hashed(who.method() + '\n' + (who.issuer() == null ? "" : who.issuer()) + '\n' + who.subject());
      case CONSUMER -> who == null || who.consumer() == null ? clientIp(exchange) : "con:" + hashed(who.consumer());
      case API_KEY -> who == null || !"api-key".equals(who.method()) ? clientIp(exchange) : "key:" + hashed(who.subject());
      case HEADER -> {
        String value = exchange.request().getHeader(header);
        yield value == null ? clientIp(exchange) : "hdr:" + hashed(value);
      }
    };
  }

  /** How the spec writes it. */
  public String text() {
    return kind == Kind.HEADER ? kind.text() + header : kind.text();
  }

  private static String clientIp(RouteExchange exchange) {
    String host = Peer.hostAddress(exchange.request());
    byte[] address = host == null ? null : Cidr.bytes(host);
    if (address == null) {
      return "ip:unknown";
    }
    if (address.length == 4) { // from the bytes: ::ffff:192.0.2.1 and 192.0.2.1 are one client
      return "ip:" + (address[0] & 0xFF) + '.' + (address[1] & 0xFF) + '.' + (address[2] & 0xFF) + '.'
          + (address[3] & 0xFF);
    }
    StringBuilder net = new StringBuilder("ip6:");
    for (int i = 0; i < 8; i++) {
      net.append(Character.forDigit(address[i] >> 4 & 0xF, 16)).append(Character.forDigit(address[i] & 0xF, 16));
    }
    return net.append("/64").toString();
  }

  /** Hashes of recent values: a client sends the same subject (or header) request after request. */
  private static final Map<String, String> RECENT = new ConcurrentHashMap<>();
  static final int RECENT_MAX = 10_000;

  /** {@link #hash}, remembered for values up to 256 characters (the hash of a longer one is not kept). */
  static String hashed(String value) {
    if (value.length() > 256) {
      return hash(value);
    }
    String known = RECENT.get(value);
    if (known == null) {
      if (RECENT.size() >= RECENT_MAX) {
        RECENT.clear(); // many distinct values: no more than this many are kept
      }
      known = hash(value);
      RECENT.put(value, known);
    }
    return known;
  }

  /** 128 bits of SHA-256, base64url: 22 characters whatever the value's length. */
  static String hash(String value) {
    byte[] digest = Sha256.of(value, StandardCharsets.UTF_8);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
  }
}
