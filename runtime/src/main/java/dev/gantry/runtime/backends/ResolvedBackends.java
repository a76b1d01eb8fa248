package dev.gantry.runtime.backends;

import dev.gantry.embedded.EmbeddedBackend;
import java.util.List;

/**
 * Endpoints this node uses, and the embedded servers it owns (to stop when it stops).
 *
 * @param published keys this node published in the cluster map for others to reuse
 */
public record ResolvedBackends(String pgUrl, String redisUrl, String kafkaBootstrap,
    List<EmbeddedBackend> owned, List<String> published) {

  public ResolvedBackends {
    owned = List.copyOf(owned);
    published = List.copyOf(published);
  }
}
