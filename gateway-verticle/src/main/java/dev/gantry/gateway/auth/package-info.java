/**
 * Who is calling: the authentication policies ({@code jwt} with JWKS key sets shared by the
 * cluster, {@code oidc} by discovery and introspection, {@code api-key} against hashed keys in
 * Postgres) and the {@code authorize} policy that checks the principal they established. They
 * know requests, the policy seam and the {@link dev.gantry.codecs.Principal}; they know nothing
 * of targets. Failures are RFC 6750 {@code WWW-Authenticate} challenges that never say which
 * check failed.
 *
 * <p>Starting points: {@link dev.gantry.gateway.auth.JwtPolicy}, {@link dev.gantry.gateway.auth.JwksCache}.
 */
package dev.gantry.gateway.auth;
