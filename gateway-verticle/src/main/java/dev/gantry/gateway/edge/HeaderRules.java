package dev.gantry.gateway.edge;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import java.util.Map;

/**
 * The header rules of RFC 9110/9112 (HTTP/1.x) and RFC 9113 §8.2 (HTTP/2) that the codecs do not
 * enforce on their own. Each method answers what is wrong, or null.
 */
final class HeaderRules {
  private HeaderRules() {}

  /**
   * Field names must be tokens; values must hold no control character but HTAB; Host appears at
   * most once. One pass over the fields, no copies.
   */
  static String fields(MultiMap headers, boolean http2) {
    int hosts = 0;
    for (Map.Entry<String, String> h : headers) {
      String name = h.getKey();
      if (name.isEmpty()) {
        return "header: empty field name";
      }
      if (name.length() == 4 && name.equalsIgnoreCase("host") && ++hosts > 1) {
        return "Host: more than one Host header";
      }
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (!isTokenChar(c)) {
          return "header: invalid character 0x" + Integer.toHexString(c) + " in a field name";
        }
        if (http2 && c >= 'A' && c <= 'Z') {
          return "header: upper-case field name in HTTP/2";
        }
      }
      String value = h.getValue();
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if ((c < 0x20 && c != '\t') || c == 0x7F) {
          return "header " + name + ": control character 0x" + Integer.toHexString(c) + " in the value";
        }
      }
      if (http2 && !value.isEmpty() && (isSpace(value.charAt(0)) || isSpace(value.charAt(value.length() - 1)))) {
        return "header " + name + ": leading or trailing whitespace in an HTTP/2 field value";
      }
    }
    return null;
  }

  /** HTTP/2 carries no connection-specific fields (RFC 9113 §8.2.2). */
  static String connectionSpecific(MultiMap headers) {
    for (String name : List.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade")) {
      if (headers.contains(name)) {
        return "header: connection-specific field " + name + " in HTTP/2";
      }
    }
    String te = headers.get("te");
    if (te != null && !te.trim().equalsIgnoreCase("trailers")) {
      return "header: TE other than trailers in HTTP/2";
    }
    return null;
  }

  /**
   * A {@code Transfer-Encoding} that the gateway can frame by: exactly one field, exactly
   * {@code chunked}. Null when acceptable (or absent); else the failure to answer.
   */
  static Rejection transferEncoding(List<String> values, boolean http10) {
    if (values.isEmpty()) {
      return null;
    }
    if (http10) {
      return Rejection.badRequest("framing: Transfer-Encoding in an HTTP/1.0 request");
    }
    if (values.size() == 1 && values.get(0).trim().equalsIgnoreCase("chunked")) {
      return null;
    }
    String joined = String.join(",", values);
    String[] codings = joined.split(",");
    String last = codings[codings.length - 1].trim();
    if (!last.equalsIgnoreCase("chunked")) {
      return Rejection.badRequest("framing: Transfer-Encoding must end with chunked");
    }
    // RFC 9112 §6.1 suggests 501, but this is what the client sent, not a fault of the gateway: a 5xx
    // here would count a client's junk against the node's error rate and alerts.
    return Rejection.badRequest("framing: only Transfer-Encoding: chunked is supported");
  }

  /**
   * Whether {@code value} is a valid Host: a registered name (letters, digits, {@code - . _ ~}),
   * an IPv4 address or a bracketed IPv6 address, with an optional port from 1 to 65535.
   */
  static boolean isValidHost(String value) {
    if (value == null || value.isEmpty() || value.length() > 255) {
      return false;
    }
    int portAt;
    if (value.charAt(0) == '[') {
      int close = value.indexOf(']');
      if (close < 3) {
        return false;
      }
      for (int i = 1; i < close; i++) {
        char c = value.charAt(i);
        if (!(Character.digit(c, 16) >= 0 && c < 0x80) && c != ':' && c != '.') {
          return false;
        }
      }
      portAt = close + 1;
      if (portAt < value.length() && value.charAt(portAt) != ':') {
        return false;
      }
    } else {
      portAt = value.indexOf(':');
      int end = portAt < 0 ? value.length() : portAt;
      if (end == 0) {
        return false;
      }
      for (int i = 0; i < end; i++) {
        char c = value.charAt(i);
        boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '-' || c == '.' || c == '_' || c == '~';
        if (!ok) {
          return false;
        }
      }
    }
    if (portAt < 0 || portAt >= value.length()) {
      return true;
    }
    String port = value.substring(portAt + 1);
    if (port.isEmpty() || port.length() > 5) {
      return false;
    }
    for (int i = 0; i < port.length(); i++) {
      if (port.charAt(i) < '0' || port.charAt(i) > '9') {
        return false;
      }
    }
    int n = Integer.parseInt(port);
    return n >= 1 && n <= 65535;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }

  static boolean isTokenChar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return true;
    }
    return switch (c) {
      case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
      default -> false;
    };
  }
}
