package dev.gantry.runtime.cli;

import dev.gantry.gateway.auth.DevKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar gantry.jar token --sub alice --scope orders:write}: prints a token signed with
 * the data directory's dev key, which a route's {@code jwt: {dev: true}} accepts. For local use.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Prints a JWT signed with the dev key of the data directory (for routes with jwt: {dev: true}).")
final class TokenCommand implements Callable<Integer> {
  private static final Pattern TTL = Pattern.compile("(\\d{1,9})([smhd])");

  @Option(names = "--sub", required = true, paramLabel = "SUBJECT", description = "The token's subject.")
  String subject;

  @Option(names = "--scope", paramLabel = "SCOPE", split = "[ ,]", description = "Scopes (repeat, or separate by commas).")
  List<String> scopes = new ArrayList<>();

  @Option(names = "--role", paramLabel = "ROLE", split = ",", description = "Roles (repeat, or separate by commas).")
  List<String> roles = new ArrayList<>();

  @Option(names = "--aud", paramLabel = "AUDIENCE", defaultValue = "gantry", description = "Audience (default gantry).")
  String audience;

  @Option(names = "--ttl", paramLabel = "TTL", defaultValue = "1h", description = "Lifetime: 90s, 30m, 12h, 7d (default 1h).")
  String ttl;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory holding the dev key (default $GANTRY_DATA_DIR or ./gantry-data).")
  String dataDir;

  @Override
  public Integer call() {
    Matcher m = TTL.matcher(ttl);
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      System.err.println("--ttl: a positive number followed by s, m, h or d, such as 30m; got " + ttl);
      return 2;
    }
    long n = Long.parseLong(m.group(1));
    Duration life = switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    String dir = dataDir != null ? dataDir : System.getenv().getOrDefault("GANTRY_DATA_DIR", "gantry-data");
    System.out.println(DevKeys.in(Path.of(dir)).sign(subject, scopes.stream().filter(s -> !s.isBlank()).toList(),
        roles, audience, life));
    return 0;
  }
}
