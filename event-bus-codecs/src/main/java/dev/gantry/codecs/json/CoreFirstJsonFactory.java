package dev.gantry.codecs.json;

import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;

/** Installs {@link CoreFirstCodec} as Vert.x's JSON codec (registered in {@code META-INF/services}). */
public final class CoreFirstJsonFactory implements JsonFactory {
  @Override
  public JsonCodec codec() {
    return CoreFirstCodec.INSTANCE;
  }
}
