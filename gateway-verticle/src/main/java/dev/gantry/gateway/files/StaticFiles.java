package dev.gantry.gateway.files;

import dev.gantry.codecs.Failure;
import dev.gantry.gateway.policy.Reply;
import dev.gantry.gateway.spec.StaticSpec;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.MimeMapping;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code static:} target: answers GET and HEAD from files under a root. The path (already
 * normalised by the edge, and rewritten by the route) is decoded one segment at a time; a segment
 * that is empty of meaning ({@code .}, {@code ..}), carries a slash, backslash or control
 * character once decoded, or (unless {@code dotfiles}) starts with a dot, is not found. The file
 * is then resolved on a worker thread with {@code toRealPath}: a path that is not exactly itself
 * once links are followed (a symbolic link anywhere under the root) is not found either. Then
 * validators (RFC 9110 §13.2.2: If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since)
 * and a single byte range (If-Range honoured). The body is sent by {@link FileReply}.
 */
public final class StaticFiles {
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
  private final Vertx vertx;

  public StaticFiles(Vertx vertx) {
    this.vertx = vertx;
  }

  /** A file found: where it is, how long, when it changed. */
  private record Found(Path file, long size, long modifiedMillis) {}

  private static final Found DIRECTORY = new Found(null, -1, 0);
  private static final Found NEEDS_SLASH = new Found(null, -2, 0);

  /**
   * The reply to {@code request} for {@code path} (the request's path as the route rewrote it).
   */
  public Future<Reply> serve(HttpServerRequest request, String path, StaticSpec spec) {
    HttpMethod method = request.method();
    if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
      Reply refused = Reply.problem(Failure.METHOD_NOT_ALLOWED, "method: static files answer GET and HEAD");
      refused.headers().set("Allow", "GET, HEAD");
      return Future.succeededFuture(refused);
    }
    List<String> names = segments(path, spec.dotfiles());
    if (names == null) {
      return Future.succeededFuture(notFound());
    }
    boolean slashed = path.isEmpty() || path.endsWith("/");
    // toRealPath and stat are blocking calls: a worker makes them, never the event loop
    return vertx.executeBlocking(() -> find(spec, names, slashed), false).map(found -> {
      if (found == null) {
        return notFound();
      }
      if (found == NEEDS_SLASH) { // relative links in the index need the directory's slash
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Location", request.path() + "/"
            + (request.query() == null ? "" : "?" + request.query()));
        return Reply.of(301, headers, Buffer.buffer());
      }
      return answer(request, spec, found);
    });
  }

  private Reply answer(HttpServerRequest request, StaticSpec spec, Found found) {
    String etag = "\"" + Long.toHexString(found.size()) + "-" + Long.toHexString(found.modifiedMillis()) + "\"";
    long modifiedSeconds = found.modifiedMillis() / 1000;
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    headers.set("ETag", etag);
    headers.set("Last-Modified", HTTP_DATE.format(Instant.ofEpochSecond(modifiedSeconds)));
    headers.set("Accept-Ranges", "bytes");
    if (spec.cacheControl() != null) {
      headers.set("Cache-Control", spec.cacheControl());
    }
    MultiMap asked = request.headers();
    String ifMatch = asked.get("If-Match");
    long ius = date(asked.get("If-Unmodified-Since"));
    if (ifMatch != null ? !matches(ifMatch, etag, true) : ius >= 0 && modifiedSeconds > ius) {
      return Reply.of(412, headers, Buffer.buffer());
    }
    String ifNoneMatch = asked.get("If-None-Match");
    long ims = date(asked.get("If-Modified-Since"));
    if (ifNoneMatch != null ? matches(ifNoneMatch, etag, false) : ims >= 0 && modifiedSeconds <= ims) {
      return Reply.of(304, headers, Buffer.buffer());
    }
    headers.set("Content-Type", contentType(found.file().getFileName().toString()));
    headers.set("X-Content-Type-Options", "nosniff");
    boolean head = request.method() == HttpMethod.HEAD;
    String file = found.file().toString();
    String rangeField = asked.get("Range");
    ByteRange range = rangeField == null || head || !rangeStillHolds(asked.get("If-Range"), etag, headers)
        ? ByteRange.WHOLE : ByteRange.of(rangeField, found.size());
    if (range == ByteRange.UNSATISFIABLE) {
      headers.set("Content-Range", "bytes */" + found.size());
      headers.remove("Content-Type");
      return Reply.of(416, headers, Buffer.buffer());
    }
    if (range == ByteRange.WHOLE) {
      headers.set("Content-Length", Long.toString(found.size()));
      return new FileReply(vertx, 200, headers, file, 0, found.size(), head);
    }
    headers.set("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + found.size());
    headers.set("Content-Length", Long.toString(range.length()));
    return new FileReply(vertx, 206, headers, file, range.first(), range.length(), false);
  }

  /**
   * The file for {@code names} under the root, on a worker: null when there is none to serve,
   * {@link #NEEDS_SLASH} for a directory asked for without its trailing slash.
   */
  private static Found find(StaticSpec spec, List<String> names, boolean slashed) {
    Path root;
    try {
      root = Path.of(spec.root()).toRealPath();
    } catch (IOException | java.nio.file.InvalidPathException | SecurityException e) {
      return null; // no root (yet): nothing is found
    }
    Path candidate = root;
    for (String name : names) {
      candidate = candidate.resolve(name);
    }
    Found found = exactly(root, candidate);
    if (found != DIRECTORY) {
      return slashed && !names.isEmpty() ? null : found; // a file is not a directory: /a.txt/ is not found
    }
    if (spec.index() == null) {
      return null;
    }
    Found index = exactly(root, candidate.resolve(spec.index()));
    if (index == null || index == DIRECTORY) {
      return null;
    }
    return slashed || names.isEmpty() ? index : NEEDS_SLASH;
  }

  /** The regular file at {@code candidate}, or {@link #DIRECTORY}, if it is under {@code root} with no link on the way. */
  private static Found exactly(Path root, Path candidate) {
    try {
      Path real = candidate.toRealPath();
      if (!real.equals(candidate) || !real.startsWith(root)) {
        return null; // a symbolic link somewhere (inside the root or out of it)
      }
      BasicFileAttributes attrs = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attrs.isDirectory()) {
        return DIRECTORY;
      }
      return attrs.isRegularFile() ? new Found(real, attrs.size(), attrs.lastModifiedTime().toMillis()) : null;
    } catch (IOException | SecurityException e) {
      return null;
    }
  }

  /**
   * The path's segments, percent-decoded (UTF-8, strictly), or null when one may not be served.
   * An empty segment (a trailing slash, a doubled one) is skipped.
   */
  static List<String> segments(String path, boolean dotfiles) {
    List<String> names = new ArrayList<>();
    for (String raw : path.split("/")) {
      if (raw.isEmpty()) {
        continue;
      }
      String name = decode(raw);
      if (name == null || name.equals(".") || name.equals("..") || !dotfiles && name.startsWith(".")) {
        return null;
      }
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') {
          return null;
        }
      }
      names.add(name);
    }
    return names;
  }

  /** Percent-decoding of one segment ({@code +} stays a plus); null when malformed or not UTF-8. */
  private static String decode(String raw) {
    byte[] out = new byte[raw.length()];
    int n = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          return null;
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out[n++] = (byte) (hi * 16 + lo);
        i += 2;
      } else if (c > 0x7f) {
        return null; // the edge sends ASCII; anything else was not encoded as it should be
      } else {
        out[n++] = (byte) c;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(out, 0, n)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Whether a list of entity tags (or {@code *}) matches {@code etag}: strongly (If-Match) or weakly. */
  private static boolean matches(String field, String etag, boolean strong) {
    for (String tag : field.split(",")) {
      String t = tag.trim();
      if (t.equals("*")) {
        return true;
      }
      if (strong ? t.equals(etag) : (t.startsWith("W/") ? t.substring(2) : t).equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** If-Range: the range holds only while the client's validator is still the current one (strong). */
  private static boolean rangeStillHolds(String ifRange, String etag, MultiMap headers) {
    if (ifRange == null) {
      return true;
    }
    String v = ifRange.trim();
    if (v.startsWith("\"")) {
      return v.equals(etag);
    }
    return v.equals(headers.get("Last-Modified"));
  }

  /** An HTTP date as epoch seconds; -1 when absent or malformed (the condition is then ignored). */
  private static long date(String value) {
    if (value == null) {
      return -1;
    }
    try {
      return DateTimeFormatter.RFC_1123_DATE_TIME.parse(value.trim(), Instant::from).getEpochSecond();
    } catch (DateTimeParseException e) {
      return -1;
    }
  }

  private static String contentType(String name) {
    String type = MimeMapping.mimeTypeForFilename(name.toLowerCase(Locale.ROOT));
    if (type == null) {
      return "application/octet-stream";
    }
    return type.startsWith("text/") || type.equals("application/javascript") || type.equals("application/json")
        || type.equals("image/svg+xml") ? type + "; charset=utf-8" : type;
  }

  private static Reply notFound() {
    return Reply.problem(Failure.NOT_FOUND, "no such file");
  }
}
