package dev.gantry.runtime.seal;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The bytes a shared-map value is sealed as: one tag byte naming its type, then its form. Only the
 * types Gantry and Vert.x Service Discovery keep in maps; anything else is refused by name rather
 * than stored in a form the other nodes could not read back.
 */
final class SealedValues {
  private SealedValues() {}

  static byte[] encode(String map, Object value) {
    if (value instanceof String s) {
      return tagged('s', s.getBytes(StandardCharsets.UTF_8));
    } else if (value instanceof JsonObject o) {
      return tagged('j', o.toBuffer().getBytes());
    } else if (value instanceof JsonArray a) {
      return tagged('a', a.toBuffer().getBytes());
    } else if (value instanceof Buffer b) {
      return tagged('b', b.getBytes());
    } else if (value instanceof byte[] bytes) {
      return tagged('y', bytes);
    } else if (value instanceof Long l) {
      return tagged('l', ByteBuffer.allocate(8).putLong(l).array());
    } else if (value instanceof Integer i) {
      return tagged('i', ByteBuffer.allocate(4).putInt(i).array());
    } else if (value instanceof Double d) {
      return tagged('d', ByteBuffer.allocate(8).putDouble(d).array());
    } else if (value instanceof Boolean z) {
      return tagged('z', new byte[] {(byte) (z ? 1 : 0)});
    }
    throw new IllegalArgumentException("cluster map " + map + ": cannot seal a value of type "
        + (value == null ? "null" : value.getClass().getName()));
  }

  static Object decode(byte[] plain) {
    if (plain.length == 0) {
      throw new ClusterSeal.SealException("an empty sealed value");
    }
    byte[] body = java.util.Arrays.copyOfRange(plain, 1, plain.length);
    return switch ((char) plain[0]) {
      case 's' -> new String(body, StandardCharsets.UTF_8);
      case 'j' -> new JsonObject(Buffer.buffer(body));
      case 'a' -> new JsonArray(Buffer.buffer(body));
      case 'b' -> Buffer.buffer(body);
      case 'y' -> body;
      case 'l' -> ByteBuffer.wrap(body).getLong();
      case 'i' -> ByteBuffer.wrap(body).getInt();
      case 'd' -> ByteBuffer.wrap(body).getDouble();
      case 'z' -> body.length == 1 && body[0] == 1;
      default -> throw new ClusterSeal.SealException("unknown value type " + (int) plain[0]);
    };
  }

  private static byte[] tagged(char tag, byte[] body) {
    byte[] out = new byte[body.length + 1];
    out[0] = (byte) tag;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }
}
