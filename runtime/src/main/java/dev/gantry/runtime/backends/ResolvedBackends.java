package dev.gantry.runtime.backends;

import dev.gantry.embedded.EmbeddedBackend;
import java.util.List;

/**
 * Endpoints this node uses, and the embedded servers it owns (to stop when it stops). A node
 * that needs no backend (a gateway-only node) has {@link #NONE}: all endpoints null.
 *
 * @param published keys this node published in the cluster map for others to reuse
 */
public record ResolvedBackends(String pgUrl, String redisUrl, String kafkaBootstrap,
    List<EmbeddedBackend> owned, List<String> published) {

  public static final ResolvedBackends NONE = new ResolvedBackends(null, null, null, List.of(), List.of());

  public ResolvedBackends {
    owned = List.copyOf(owned);
    published = List.copyOf(published);
  }

  public boolean any() {
    return pgUrl != null || redisUrl != null || kafkaBootstrap != null;
  }
}
