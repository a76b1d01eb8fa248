package dev.gantry.codecs;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Codec for an immutable {@link WireRecord}: across the cluster it is a length-prefixed JSON
 * document; on the local bus the very same object is handed over, since records cannot change.
 */
public final class WireRecordCodec<T extends WireRecord> implements MessageCodec<T, T> {
  private final Class<T> type;
  private final Function<JsonObject, T> decoder;

  public WireRecordCodec(Class<T> type, Function<JsonObject, T> decoder) {
    this.type = type;
    this.decoder = decoder;
  }

  public Class<T> type() {
    return type;
  }

  @Override
  public void encodeToWire(Buffer buffer, T record) {
    Buffer json = record.toJson().toBuffer();
    buffer.appendInt(json.length()).appendBuffer(json);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return decoder.apply(new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length)));
  }

  @Override
  public T transform(T record) {
    return record;
  }

  @Override
  public String name() {
    return "gantry:" + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
