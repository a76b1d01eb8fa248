package dev.gantry.gateway.policy;

import dev.gantry.gateway.spec.SpecReader;

/**
 * A kind of policy, as named in a route file: {@code - <name>: {config}}. Its reader validates
 * the configuration once, naming the path of a bad field; {@link #create} makes the policy when a
 * spec is applied.
 *
 * @param <C> the type's configuration: an immutable value (a record), compared when specs are
 */
public interface PolicyType<C> {
  String name();

  Phase phase();

  /** The configuration's field names: any other is refused first, with the nearest as a hint. */
  java.util.Set<String> fields();

  /** Reads and checks the configuration; {@link SpecReader#done()} refuses unknown fields. */
  C read(SpecReader config);

  /** Makes the policy, once per applied spec; {@code runtime} gives it meters and connection counts. */
  Policy create(C config, PolicyRuntime runtime);
}
