/**
 * Static files as a route target ({@code static:}): a directory served with validators
 * ({@code ETag}, {@code Last-Modified}, 304), single byte ranges, an index file and a
 * {@code Cache-Control} of the route's choosing. A request reaches it through the route's policy
 * chain like any other target, so the WAF, auth, the cache and compression apply. It must never
 * serve anything outside its root: names are decoded segment by segment, dot segments, encoded
 * slashes, control characters, symbolic links and (by default) dotfiles are not found. It knows
 * the policy seam's {@code Reply}; it knows nothing of upstreams, services or policies.
 *
 * <p>Starting points: {@link dev.gantry.gateway.files.StaticFiles}, {@link dev.gantry.gateway.files.ByteRange}.
 */
package dev.gantry.gateway.files;
