/**
 * How one node calls a service on any node of the cluster: today the deadline-aware
 * {@link dev.gantry.discovery.ServiceClient}; service records, instance selection, retry budgets
 * and breakers join it here. It knows the event bus and the envelope, never HTTP.
 *
 * <p>Starting point: {@link dev.gantry.discovery.ServiceClient}.
 */
package dev.gantry.discovery;
