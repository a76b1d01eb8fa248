package dev.gantry.discovery;

import java.util.function.BiConsumer;

/**
 * The call policy as one node enforces it on the callee side: the cluster's current
 * {@link CallPolicy} (kept up to date by the runtime) and what happens to a refusal (counted).
 * Thread-safe.
 */
public final class MeshGate {
  private volatile CallPolicy policy = CallPolicy.OPEN;
  private final BiConsumer<String, String> denied;

  /** @param denied told (caller label, service) of every refusal; the caller is "unlisted" unless the policy names it */
  public MeshGate(BiConsumer<String, String> denied) {
    this.denied = denied;
  }

  /** A gate that counts nothing, starting open (tests, tools). */
  public static MeshGate open() {
    return new MeshGate((caller, service) -> { });
  }

  public void update(CallPolicy next) {
    policy = next == null ? CallPolicy.OPEN : next;
  }

  public CallPolicy policy() {
    return policy;
  }

  /** Null when {@code caller} may call {@code service}; else why not (and the refusal is counted). */
  public String refuse(String caller, String service) {
    CallPolicy now = policy;
    String reason = now.refuse(caller, service);
    if (reason != null) {
      denied.accept(caller != null && now.names(caller) ? caller : "unlisted", service);
    }
    return reason;
  }
}
