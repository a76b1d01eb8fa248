package dev.gantry.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Any configuration: a YAML file of any bytes, and one setting each from the environment, a system
 * property and the command line with any value. It loads, or fails with a {@link ConfigException}
 * naming the key (or file and line) that is wrong; any other exception is a crash.
 */
class ConfigLoaderFuzzTest {
  /** One file for every input of a run, rewritten each time (deleted when the JVM exits). */
  private static final Path FILE = file();

  private static Path file() {
    try {
      Path file = Files.createTempFile("gantry-config-fuzz", ".yaml");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "5s")
  void anyConfigurationLoadsOrNamesWhatIsWrong(FuzzedDataProvider data) throws IOException {
    Setting env = setting(data);
    String envValue = data.consumeString(64);
    Setting property = setting(data);
    String propertyValue = data.consumeString(64);
    Setting flag = setting(data);
    String flagValue = data.consumeString(64);
    Files.write(FILE, data.consumeRemainingAsBytes());
    try {
      ConfigLoader.load(FILE, Map.of(env.envName(), envValue), Map.of(property.propertyName(), propertyValue),
          Map.of(flag.key(), flagValue));
    } catch (ConfigException expected) {
      if (expected.getMessage() == null || !expected.getMessage().startsWith("config: ")) {
        throw new AssertionError("a ConfigException that does not say what is wrong", expected);
      }
    }
  }

  private static Setting setting(FuzzedDataProvider data) {
    return ConfigLoader.SETTINGS.get(data.consumeInt(0, ConfigLoader.SETTINGS.size() - 1));
  }
}
