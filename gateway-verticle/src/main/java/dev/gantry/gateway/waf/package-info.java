/**
 * The web application firewall: the {@code waf} policy reads a request into fields (arguments,
 * headers, cookies, body arguments by Content-Type), runs rules — targets, transforms, one
 * operator, a severity — of its paranoia level, and blocks at an anomaly-score threshold. The
 * default rules ({@code gantry/waf-rules.yaml}) follow the Core Rule Set's attack classes; the
 * SQL-injection and XSS detectors are ours. It knows the policy seam and requests, not routes'
 * targets.
 *
 * <p>Starting points: {@link dev.gantry.gateway.waf.Waf} and {@link dev.gantry.gateway.waf.WafType}.
 */
package dev.gantry.gateway.waf;
