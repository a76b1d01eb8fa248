package dev.gantry.gateway.cache;

import dev.gantry.gateway.policy.Phase;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.policy.PolicyType;
import dev.gantry.gateway.spec.SpecReader;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads {@code - compress: {encodings: [br, gzip], types: [text/*, application/json], min-bytes: 1024,
 * max-bytes: 8388608, gzip-level: 6, brotli-quality: 5}}. A TRANSFORM policy: it runs inside the
 * route's {@code cache}, so the cache stores what it made.
 */
public final class CompressType implements PolicyType<CompressConfig> {
  private static final Set<String> CODINGS = Set.of(Compressor.BROTLI, Compressor.GZIP);

  @Override
  public String name() {
    return "compress";
  }

  @Override
  public Phase phase() {
    return Phase.TRANSFORM;
  }

  @Override
  public Set<String> fields() {
    return Set.of("encodings", "types", "min-bytes", "max-bytes", "gzip-level", "brotli-quality");
  }

  @Override
  public CompressConfig read(SpecReader config) {
    List<String> encodings = config.has("encodings") ? config.strings("encodings") : List.of(Compressor.BROTLI,
        Compressor.GZIP);
    if (encodings.isEmpty()) {
      throw SpecReader.invalid(config.path("encodings"), "must name br, gzip or both");
    }
    for (String e : encodings) {
      if (!CODINGS.contains(e)) {
        throw SpecReader.invalid(config.path("encodings"), "unknown coding " + e + " (known: br, gzip)");
      }
    }
    if (encodings.stream().distinct().count() != encodings.size()) {
      throw SpecReader.invalid(config.path("encodings"), "names a coding twice");
    }
    List<String> types = config.has("types") ? config.strings("types").stream()
        .map(t -> t.trim().toLowerCase(Locale.ROOT)).toList() : CompressConfig.DEFAULT_TYPES;
    for (String t : types) {
      if (!t.matches("[a-z0-9!#$&^_.+-]+/([a-z0-9!#$&^_.+-]+|\\*)")) {
        throw SpecReader.invalid(config.path("types"), "not a media type: " + t + " (as in text/* or application/json)");
      }
    }
    long min = config.integer("min-bytes", CompressConfig.DEFAULT_MIN_BYTES, 0, 1L << 30);
    long max = config.integer("max-bytes", CompressConfig.DEFAULT_MAX_BYTES, 1, 256L << 20);
    if (min > max) {
      throw SpecReader.invalid(config.path("min-bytes"), "must not exceed max-bytes (" + max + ")");
    }
    return new CompressConfig(encodings, types, min, max, (int) config.integer("gzip-level", 6, 1, 9),
        (int) config.integer("brotli-quality", 5, 0, 11));
  }

  @Override
  public CompressPolicy create(CompressConfig config, PolicyRuntime runtime) {
    return new CompressPolicy(config, runtime);
  }
}
