package dev.gantry.runtime.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** Switches the console log between the readable format and JSON lines, and names the node. */
public final class LogFormat {
  static final String NODE_PROPERTY = "node";
  static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{24} - %gantryIds%msg%n";

  private LogFormat() {}

  /**
   * {@code text} (readable, for development) or {@code json} (one object a line); the access log
   * (logger {@code gantry.access}) on or off.
   */
  public static void apply(String format, boolean accessLog) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J binding is in charge
    }
    Appender<ILoggingEvent> console = appender(context, format, null);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(console);
    context.getLogger("gantry.access").setLevel(accessLog ? Level.INFO : Level.OFF);
  }

  /**
   * The started appender {@link #apply} installs, writing lines of {@code format} to {@code out}
   * (null: the console). Not attached to any logger.
   */
  public static Appender<ILoggingEvent> appender(String format, OutputStream out) {
    return appender((LoggerContext) LoggerFactory.getILoggerFactory(), format, out);
  }

  private static Appender<ILoggingEvent> appender(LoggerContext context, String format, OutputStream out) {
    Layout<ILoggingEvent> layout;
    if ("json".equals(format)) {
      layout = new JsonLayout();
    } else {
      PatternLayout pattern = new PatternLayout();
      Map<String, String> converters = new HashMap<>();
      converters.put("gantryIds", RequestIdsConverter.class.getName());
      context.putObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY, converters);
      pattern.setPattern(TEXT_PATTERN);
      layout = pattern;
    }
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> lines = out == null ? new ConsoleAppender<>() : new OutputStreamAppender<>();
    lines.setContext(context);
    lines.setName("CONSOLE");
    lines.setEncoder(encoder);
    if (out != null) {
      lines.setOutputStream(out);
    }
    lines.start();
    // Writing to the console must not hold up an event loop: lines go through a queue, and when
    // it is nearly full, INFO and below (the access log) are dropped before anything blocks.
    AsyncAppender async = new RequestIdsAsyncAppender();
    async.setContext(context);
    async.setName("ASYNC");
    async.setQueueSize(8192);
    async.setNeverBlock(true);
    async.addAppender(lines);
    async.start();
    return async;
  }

  /** Puts the node id on every following line. */
  public static void node(String nodeId) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.putProperty(NODE_PROPERTY, nodeId);
    }
  }
}
