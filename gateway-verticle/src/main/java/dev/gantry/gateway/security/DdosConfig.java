package dev.gantry.gateway.security;

import java.util.List;

/**
 * The {@code ddos} policy's settings.
 *
 * @param perIpRps               sustained requests per second per client address (0: no rate limit)
 * @param burst                  requests a client may send at once before the rate applies
 * @param maxConnectionsPerIp    open connections per peer address (0: no cap)
 * @param allow                  when not empty, only these blocks may send requests
 * @param deny                   blocks refused outright
 * @param trustedProxies         peers whose {@code X-Forwarded-For} names the client
 * @param maxTrackedIps          addresses the rate limiter remembers at most (an LRU)
 */
public record DdosConfig(double perIpRps, int burst, int maxConnectionsPerIp, List<Cidr> allow, List<Cidr> deny,
    List<Cidr> trustedProxies, int maxTrackedIps) {
  public DdosConfig {
    allow = List.copyOf(allow);
    deny = List.copyOf(deny);
    trustedProxies = List.copyOf(trustedProxies);
  }
}
