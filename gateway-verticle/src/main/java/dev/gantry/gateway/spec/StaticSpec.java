package dev.gantry.gateway.spec;

/**
 * A directory a route serves as files: {@code static: {root: ./public, index: index.html,
 * cache-control: 'public, max-age=300', dotfiles: false}}.
 *
 * @param root         the directory (relative to the working directory); nothing outside it is served
 * @param index        the file served for a directory ({@code index.html} unless set), or null for none
 *                     ({@code index: ''} or {@code false}; a directory is then not found)
 * @param cacheControl the {@code Cache-Control} sent with every file, or null for none
 * @param dotfiles     whether names starting with a dot ({@code .env}, {@code .git/}) may be served
 */
public record StaticSpec(String root, String index, String cacheControl, boolean dotfiles) {
  public static final String DEFAULT_INDEX = "index.html";

  static StaticSpec read(SpecReader r) {
    r.only(java.util.Set.of("root", "index", "cache-control", "dotfiles"));
    String root = r.string("root");
    if (root.isBlank() || root.indexOf('\0') >= 0) {
      throw SpecReader.invalid(r.path("root"), "must name a directory");
    }
    Object named = r.raw("index");
    if (named != null && !(named instanceof String) && !Boolean.FALSE.equals(named)) {
      throw SpecReader.invalid(r.path("index"), "must be a file name, or '' or false for none");
    }
    String index = named == null ? DEFAULT_INDEX : named instanceof String name && !name.isEmpty() ? name : null;
    if (index != null && (index.contains("/") || index.contains("\\") || index.startsWith(".") || index.indexOf('\0') >= 0)) {
      throw SpecReader.invalid(r.path("index"), "must be a file name, not a path (or '' for none)");
    }
    String cacheControl = r.string("cache-control", null);
    if (cacheControl != null && (cacheControl.indexOf('\r') >= 0 || cacheControl.indexOf('\n') >= 0)) {
      throw SpecReader.invalid(r.path("cache-control"), "must be one line");
    }
    StaticSpec spec = new StaticSpec(root, index, cacheControl, r.bool("dotfiles", false));
    r.done();
    return spec;
  }
}
