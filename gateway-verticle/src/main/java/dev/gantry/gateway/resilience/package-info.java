/**
 * The resilience layer shared by every kind of target: retry budgets, backoff with jitter and
 * circuit breakers per route target. It knows nothing of HTTP or the event bus; callers tell it
 * what succeeded and what failed.
 *
 * <p>Starting points: {@link dev.gantry.gateway.resilience.RetryBudget} and
 * {@link dev.gantry.gateway.resilience.Breakers}.
 */
package dev.gantry.gateway.resilience;
