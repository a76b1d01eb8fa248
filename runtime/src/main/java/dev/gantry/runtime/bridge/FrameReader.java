package dev.gantry.runtime.bridge;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Reads the bridge's frames — a 4-byte big-endian length, then that many bytes of one JSON object —
 * from the chunks a socket delivers. A length above the limit, or below zero, is refused as soon
 * as its four bytes arrive, before any of its body is buffered; a body that is not a JSON object
 * is refused by name. After a refusal the reader takes nothing more (the stream cannot be trusted
 * to be in step any longer).
 */
final class FrameReader implements Handler<Buffer> {
  /** What went wrong with the peer's bytes; the message is sent back to it before closing. */
  static final class BadFrame extends RuntimeException {
    BadFrame(String message) {
      super(message, null, false, false);
    }
  }

  private final int maxFrameBytes;
  private final Handler<JsonObject> frames;
  private final Handler<BadFrame> refused;
  private Buffer pending = Buffer.buffer();
  private boolean broken;

  FrameReader(int maxFrameBytes, Handler<JsonObject> frames, Handler<BadFrame> refused) {
    this.maxFrameBytes = maxFrameBytes;
    this.frames = frames;
    this.refused = refused;
  }

  @Override
  public void handle(Buffer chunk) {
    if (broken) {
      return;
    }
    pending.appendBuffer(chunk);
    int offset = 0;
    while (!broken && pending.length() - offset >= 4) {
      int length = pending.getInt(offset);
      if (length < 2 || length > maxFrameBytes) {
        fail(new BadFrame("frame of " + Integer.toUnsignedString(length) + " bytes refused (at most " + maxFrameBytes + ")"));
        return;
      }
      if (pending.length() - offset - 4 < length) {
        break;
      }
      String text = pending.getString(offset + 4, offset + 4 + length, "UTF-8");
      offset += 4 + length;
      Object parsed;
      try {
        parsed = io.vertx.core.json.Json.decodeValue(text);
      } catch (DecodeException e) {
        fail(new BadFrame("frame is not JSON: " + firstLine(e.getMessage())));
        return;
      }
      if (!(parsed instanceof JsonObject frame)) {
        fail(new BadFrame("frame is not a JSON object"));
        return;
      }
      frames.handle(frame);
    }
    pending = offset == pending.length() ? Buffer.buffer() : pending.getBuffer(offset, pending.length());
  }

  private void fail(BadFrame e) {
    broken = true;
    pending = Buffer.buffer();
    refused.handle(e);
  }

  private static String firstLine(String message) {
    String s = message == null ? "" : message;
    int nl = s.indexOf('\n');
    s = nl < 0 ? s : s.substring(0, nl);
    return s.length() > 160 ? s.substring(0, 160) + "…" : s;
  }
}
