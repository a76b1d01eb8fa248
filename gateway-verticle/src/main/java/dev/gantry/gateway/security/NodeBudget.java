package dev.gantry.gateway.security;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What caches of one kind may store on a node between two clears of them all: each cache (one per
 * policy, so a node with fifty routes has fifty) registers, accounts what it adds, and once the
 * total since the last clear passes the budget every cache still reachable is cleared. What was
 * stored since is an upper bound on what they hold (replaced specs' caches included until they are
 * collected), so however many policies a node has and whatever clients send, the heap holds at
 * most about the budget.
 *
 * @param <C> the cache type
 */
public final class NodeBudget<C> {
  private final long budget;
  private final Consumer<C> clear;
  private final AtomicLong stored = new AtomicLong();
  /** Every cache still reachable. */
  private final Set<C> live = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  /**
   * @param budget what all caches may store between two clears (in the caller's unit)
   * @param clear  empties one cache
   */
  public NodeBudget(long budget, Consumer<C> clear) {
    this.budget = budget;
    this.clear = clear;
  }

  public void register(C cache) {
    live.add(cache);
  }

  /** Accounts {@code amount} just stored; clears every cache when the total passes the budget. */
  public void spend(long amount) {
    if (stored.addAndGet(amount) > budget) {
      synchronized (live) {
        stored.set(0);
        for (C cache : live) {
          clear.accept(cache);
        }
      }
    }
  }

  /** What was stored since the last clear of them all. */
  public long stored() {
    return stored.get();
  }

  public long budget() {
    return budget;
  }
}
