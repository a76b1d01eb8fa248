package dev.gantry.runtime.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.HashMap;
import java.util.Map;

/**
 * Logback's configuration at start, in code rather than a {@code logback.xml}: reading XML with
 * Joran cost a node about a tenth of a second before its first line. Text lines on the console
 * (the pattern {@link LogFormat} uses), INFO, the embedded backends' chatty loggers at WARN; then
 * {@link LogFormat#apply} sets the configured format. A {@code -Dlogback.configurationFile} of the
 * operator's, or a {@code logback-test.xml} on the class path, is read as before instead.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {
  /** Loggers quieter than INFO: the embedded backends and the libraries under them. */
  static final Map<String, Level> LEVELS = Map.of(
      "org.apache.kafka", Level.WARN, "kafka", Level.WARN, "state.change.logger", Level.WARN,
      "org.apache.zookeeper", Level.WARN, "com.hazelcast", Level.WARN, "com.hazelcast.cp.CPSubsystem", Level.ERROR,
      "io.zonky", Level.WARN, "redis.embedded", Level.WARN, "io.netty", Level.WARN);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || LogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY; // a file someone chose: Joran reads it
    }
    LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console(context));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /**
   * Lines written as they come (not queued, as {@link LogFormat#apply}'s are later): what a node
   * says before its configuration is read — why it could not start — must reach the console
   * before the process exits.
   */
  private static ConsoleAppender<ILoggingEvent> console(LoggerContext context) {
    Map<String, String> converters = new HashMap<>();
    converters.put("gantryIds", RequestIdsConverter.class.getName());
    context.putObject(CoreConstants.PATTERN_RULE_REGISTRY, converters);
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(LogFormat.TEXT_PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("CONSOLE");
    console.setEncoder(encoder);
    console.start();
    return console;
  }
}
