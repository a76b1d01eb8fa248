package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gantry.gateway.observe.SafeText;
import dev.gantry.testkit.Poll;
import dev.gantry.testkit.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** No request can write a line break, a terminal escape or a raw control byte into the access log. */
@ExtendWith(VertxExtension.class)
class LogInjectionTest {
  private TestUpstream upstream;
  private GatewayHarness gw;
  private ListAppender<ILoggingEvent> lines;
  private Logger access;

  @BeforeEach
  void start(Vertx vertx) {
    upstream = new TestUpstream(vertx, "up").start();
    gw = GatewayHarness.start(vertx, GatewayHarness.routesTo(upstream,
            "{id: public, match: {path: /public/**}, upstream: up}"));
    access = (Logger) LoggerFactory.getLogger("gantry.access");
    lines = new ListAppender<>();
    lines.start();
    access.addAppender(lines);
  }

  @AfterEach
  void stop() {
    access.detachAppender(lines);
    gw.stop();
    upstream.stop();
  }

  @Test
  void everyValueFromARequestIsEscapedWhereItIsLogged() {
    List<String> requests = List.of(
        "GET /public/a\rforged line HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /public/a\u001b[2J\u001b[31mred HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /public/%0d%0aforged HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /public/a\u0000b HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /public/\u00e9\u0085x HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /public/ok HTTP/1.1\r\nHost: h\r\nX-Request-Id: id\u000bforged\r\n\r\n",
        "GET /public/ok HTTP/1.1\r\nHost: h\u0007\r\n\r\n");
    for (String request : requests) {
      RawHttp.exchange(gw.gateway.actualPort(), request);
    }
    Poll.until(gw.vertx, Duration.ofSeconds(10), "access lines written", () -> lines.list.size() >= requests.size() - 1);
    for (ILoggingEvent line : lines.list) {
      String text = line.getFormattedMessage();
      for (char c : text.toCharArray()) {
        assertTrue(c >= 0x20 && c < 0x7F, "raw character 0x" + Integer.toHexString(c) + " in: " + SafeText.of(text));
      }
    }
    assertTrue(lines.list.stream().anyMatch(l -> l.getFormattedMessage().contains("\\x1b[2J")),
        "the escape sequence is logged escaped");
  }

  @Test
  void aRequestCutOffInItsBodyIsLoggedAsAbortedNotAs200() {
    RawHttp.exchange(gw.gateway.actualPort(), "POST /public/cut HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "1\r\na\r\n100000000\r\nrest\r\n0\r\n\r\n");
    Poll.until(gw.vertx, Duration.ofSeconds(10), "the access line of the cut request",
        () -> lines.list.stream().anyMatch(l -> l.getFormattedMessage().contains("/public/cut")));
    String line = lines.list.stream().map(ILoggingEvent::getFormattedMessage).filter(l -> l.contains("/public/cut"))
        .findFirst().orElseThrow();
    assertTrue(line.contains("status=499"), line);
  }

  @Test
  void safeTextEscapesControlAndNonAsciiCharactersAndLeavesPlainTextAlone() {
    String plain = "/public/a?b=c";
    assertTrue(plain == SafeText.of(plain), "no copy when nothing needs escaping");
    assertEquals("a\\x0d\\x0ab", SafeText.of("a\r\nb"));
    assertEquals("\\x1b[31m", SafeText.of("\u001b[31m"));
    assertEquals("back\\x5cslash", SafeText.of("back\\slash"));
    assertEquals("caf\\xe9 \\u2028", SafeText.of("caf\u00e9 \u2028"));
    assertEquals(2048 + 3, SafeText.of("x".repeat(5000) + "\n").length());
  }
}
