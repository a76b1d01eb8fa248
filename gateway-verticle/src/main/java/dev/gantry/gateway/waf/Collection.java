package dev.gantry.gateway.waf;

/** A part of a request a rule can look at, by the name a rule file uses. */
public enum Collection {
  METHOD("method"),
  /** The normalised path, as routes see it (reserved characters still percent-encoded). */
  PATH("path"),
  /** The raw query string. */
  QUERY("query"),
  /** Query and body arguments by name (form fields, multipart fields, JSON leaves as {@code json.a.b}). */
  ARGS("args"),
  ARG_NAMES("arg-names"),
  /** Header values by lower-case name. */
  HEADERS("headers"),
  HEADER_NAMES("header-names"),
  COOKIES("cookies"),
  COOKIE_NAMES("cookie-names"),
  /** The raw body text, when it was read (an inspected content type). */
  BODY("body"),
  /** File names of multipart file parts. */
  FILES("files"),
  /** What could not be parsed as the request said it was (a JSON body that is not JSON, bad %-encoding). */
  ERRORS("errors"),
  PROTOCOL("protocol");

  private final String key;

  Collection(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  /** Whether a name in this collection is matched ignoring case. */
  boolean caseInsensitiveNames() {
    return this == HEADERS || this == HEADER_NAMES;
  }

  static Collection byKey(String key) {
    for (Collection c : values()) {
      if (c.key.equals(key)) {
        return c;
      }
    }
    return null;
  }
}
