package dev.gantry.gateway.proxy;

import dev.gantry.codecs.Principal;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The {@code Gantry-Principal} headers an HTTP upstream gets for an authenticated request, worked
 * out once per principal: the JWT policy's cache of verified tokens hands the same
 * {@link Principal} object to every request of a token, and making its header values (each part
 * escaped, scopes and roles joined) cost about as much as copying the client's headers. A small
 * direct-mapped cache by identity keeps the last such principals; two sharing a slot only compute
 * again. Other methods (API keys, OIDC) make a principal per request or per verification: theirs
 * are written directly, without taking a slot. Entries are immutable and their fields final, which
 * is what makes a slot written on one event loop safe to read on another.
 * Names and values are {@link io.netty.util.AsciiString}s: their hashes are kept and Netty writes
 * them by copying bytes.
 */
final class PrincipalHeaders {
  private static final CharSequence SUBJECT = HttpHeaders.createOptimized(HttpForwarder.PRINCIPAL_HEADER);
  private static final CharSequence METHOD = HttpHeaders.createOptimized(HttpForwarder.PRINCIPAL_HEADER + "-Method");
  private static final CharSequence ISSUER = HttpHeaders.createOptimized(HttpForwarder.PRINCIPAL_HEADER + "-Issuer");
  private static final CharSequence SCOPES = HttpHeaders.createOptimized(HttpForwarder.PRINCIPAL_HEADER + "-Scopes");
  private static final CharSequence ROLES = HttpHeaders.createOptimized(HttpForwarder.PRINCIPAL_HEADER + "-Roles");
  private static final CharSequence CONSUMER = HttpHeaders.createOptimized(HttpForwarder.PRINCIPAL_HEADER + "-Consumer");
  private static final int SLOTS = 256;
  /** Entries are immutable: a slot read from another event loop sees a whole entry or another one. */
  private static final AtomicReferenceArray<PrincipalHeaders> CACHE = new AtomicReferenceArray<>(SLOTS);

  private final Principal who;
  private final CharSequence[] names;
  private final CharSequence[] values;

  private PrincipalHeaders(Principal who) {
    this.who = who;
    int n = 2 + (who.issuer() != null ? 1 : 0) + (who.scopes().isEmpty() ? 0 : 1) + (who.roles().isEmpty() ? 0 : 1)
        + (who.consumer() != null ? 1 : 0);
    names = new CharSequence[n];
    values = new CharSequence[n];
    int i = 0;
    i = put(i, SUBJECT, HttpForwarder.headerSafe(who.subject()));
    i = put(i, METHOD, HttpForwarder.headerSafe(who.method()));
    if (who.issuer() != null) {
      i = put(i, ISSUER, HttpForwarder.headerSafe(who.issuer()));
    }
    if (!who.scopes().isEmpty()) {
      i = put(i, SCOPES, String.join(" ", who.scopes().stream().map(HttpForwarder::headerSafe).toList()));
    }
    if (!who.roles().isEmpty()) {
      i = put(i, ROLES, String.join(" ", who.roles().stream().map(HttpForwarder::headerSafe).toList()));
    }
    if (who.consumer() != null) {
      put(i, CONSUMER, HttpForwarder.headerSafe(who.consumer()));
    }
  }

  private int put(int i, CharSequence name, String value) {
    names[i] = name;
    values[i] = HttpHeaders.createOptimized(value);
    return i + 1;
  }

  /** Sets {@code who}'s headers on {@code out}, replacing any of the same name. */
  static void set(Principal who, MultiMap out) {
    if (!"jwt".equals(who.method())) {
      new PrincipalHeaders(who).setOn(out);
      return;
    }
    int slot = System.identityHashCode(who) & (SLOTS - 1);
    PrincipalHeaders h = CACHE.getPlain(slot);
    if (h == null || h.who != who) {
      h = new PrincipalHeaders(who);
      CACHE.setPlain(slot, h);
    }
    h.setOn(out);
  }

  private void setOn(MultiMap out) {
    for (int i = 0; i < names.length; i++) {
      out.set(names[i], values[i]);
    }
  }
}
