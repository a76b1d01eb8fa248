package dev.gantry.codecs;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.DecodeException;
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

  /**
   * The record at {@code pos}; bytes that are not one (a short frame, a length past the end, JSON
   * that is malformed or not an object) fail with a {@link ServiceException} naming the record type,
   * as a bad field does.
   */
  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    if (pos < 0 || pos > buffer.length() - 4) {
      throw malformed("frame shorter than its 4-byte length");
    }
    int length = buffer.getInt(pos);
    if (length < 0 || length > buffer.length() - pos - 4) {
      throw malformed("length " + length + " past the end of the frame (" + (buffer.length() - pos - 4)
          + " bytes left)");
    }
    Object json;
    try {
      json = buffer.getBuffer(pos + 4, pos + 4 + length).toJsonValue();
    } catch (DecodeException e) {
      throw malformed("malformed JSON");
    }
    if (!(json instanceof JsonObject object)) {
      throw malformed("not a JSON object");
    }
    return decoder.apply(object);
  }

  private ServiceException malformed(String why) {
    return new ServiceException(Failure.BAD_REQUEST, type.getSimpleName() + ": " + why);
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
