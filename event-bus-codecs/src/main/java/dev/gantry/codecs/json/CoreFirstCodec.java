package dev.gantry.codecs.json;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.jackson.DatabindCodec;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.json.JsonCodec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Vert.x's JSON codec, reading and writing JSON values (objects, arrays, strings, numbers,
 * booleans, and Vert.x's RFC 7493 extras) with jackson-core alone, and handing only what that
 * cannot do — a POJO or record to encode, a class to bind to — to jackson-databind, created on
 * first use. Vert.x picks databind for everything when it is on the classpath, and building its
 * ObjectMapper costs a node ~150 ms at start while nothing on the request path needs it.
 *
 * <p>Same results either way: the core codec is what Vert.x uses without databind, and whatever it
 * refuses goes to the databind codec Vert.x would have used.
 */
public final class CoreFirstCodec implements JsonCodec {
  static final CoreFirstCodec INSTANCE = new CoreFirstCodec();
  /** What the core codec decodes to exactly as databind does; anything else is bound by databind. */
  private static final Set<Class<?>> CORE_TYPES = Set.of(Object.class, Map.class, List.class, String.class,
      Boolean.class, Number.class, Integer.class, Long.class, Double.class, Float.class, Short.class, Byte.class);

  private final JacksonCodec core = new JacksonCodec();
  private volatile JsonCodec databind;

  CoreFirstCodec() {}

  private JsonCodec databind() {
    JsonCodec codec = databind;
    if (codec == null) {
      synchronized (this) {
        if (databind == null) {
          JsonCodec made;
          try {
            made = new DatabindCodec();
          } catch (LinkageError e) {
            made = core; // no jackson-databind on the class path: what core refuses stays refused, as in Vert.x
          }
          databind = made;
        }
        codec = databind;
      }
    }
    return codec;
  }

  /** Whether the databind codec has been needed yet (for tests). */
  boolean databindCreated() {
    return databind != null;
  }



  @Override
  public <T> T fromString(String json, Class<T> type) throws DecodeException {
    return CORE_TYPES.contains(type) ? core.fromString(json, type) : databind().fromString(json, type);
  }

  @Override
  public <T> T fromBuffer(Buffer json, Class<T> type) throws DecodeException {
    return CORE_TYPES.contains(type) ? core.fromBuffer(json, type) : databind().fromBuffer(json, type);
  }

  @Override
  public <T> T fromValue(Object json, Class<T> type) {
    return databind().fromValue(json, type); // binding a value to a class is databind's alone
  }

  @Override
  public String toString(Object object, boolean pretty) throws EncodeException {
    return encode(codec -> codec.toString(object, pretty));
  }

  @Override
  public Buffer toBuffer(Object object, boolean pretty) throws EncodeException {
    return encode(codec -> codec.toBuffer(object, pretty));
  }

  /** Encodes with the core codec, or with databind when core cannot map a value. */
  private <R> R encode(Function<JsonCodec, R> with) {
    try {
      return with.apply(core);
    } catch (EncodeException e) {
      if (!unmapped(e)) {
        throw e;
      }
      return with.apply(databind());
    }
  }

  /** The core codec's refusal of a type only databind can map (its message, as Vert.x 5 words it). */
  private static boolean unmapped(EncodeException e) {
    String message = e.getMessage();
    return message != null && message.startsWith("Mapping ") && message.contains("without Jackson Databind");
  }
}
