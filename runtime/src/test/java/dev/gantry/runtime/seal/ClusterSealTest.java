package dev.gantry.runtime.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sealed cluster maps against what a member without the key, or with a copy of old values, could do. */
class ClusterSealTest {
  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private Vertx vertx;
  private ClusterSeal seal;
  private SealRejections rejections;
  private AsyncMap<String, Object> raw;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    seal = new ClusterSeal(KEY);
    rejections = new SealRejections(new SimpleMeterRegistry());
    raw = vertx.sharedData().<String, Object>getLocalAsyncMap("routes").await();
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  private <V> AsyncMap<String, V> sealed(String name, AsyncMap<String, Object> under) {
    return new SealedAsyncMap<>(name, under, seal, rejections);
  }

  @Test
  void storesOnlyCiphertextAndReadsBackEveryValueType() {
    AsyncMap<String, Object> map = sealed("routes", raw);
    JsonObject spec = new JsonObject().put("routes", new JsonArray().add(new JsonObject().put("id", "orders")));
    map.put("spec", spec).await();
    map.put("s", "postgresql://u:secret@db/x").await();
    map.put("b", Buffer.buffer("bytes")).await();
    map.put("l", 42L).await();
    map.put("z", true).await();
    String stored = (String) raw.get("spec").await();
    assertTrue(stored.startsWith("gs1."), stored);
    assertFalse(stored.contains("orders"), stored);
    assertFalse(((String) raw.get("s").await()).contains("secret"));
    assertEquals(spec, map.get("spec").await());
    assertEquals("postgresql://u:secret@db/x", map.get("s").await());
    assertEquals(Buffer.buffer("bytes"), map.get("b").await());
    assertEquals(42L, map.get("l").await());
    assertEquals(true, map.get("z").await());
    assertEquals(0, rejections.count("routes"));
    assertThrows(IllegalArgumentException.class, () -> map.put("x", new Object()));
  }

  @Test
  void aValueWrittenInPlainByAMemberWithoutTheKeyIsIgnoredAndCounted() {
    AsyncMap<String, JsonObject> map = sealed("routes", raw);
    map.put("good", new JsonObject().put("a", 1)).await();
    raw.put("forged", new JsonObject().put("routes", "evil").encode()).await();
    raw.put("forged2", "gs1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").await();
    assertNull(map.get("forged").await());
    assertEquals(Map.of("good", new JsonObject().put("a", 1)), map.entries().await());
    assertEquals(Set.of("good"), map.keys().await());
    assertEquals(1, map.size().await());
    assertEquals(List.of(new JsonObject().put("a", 1)), map.values().await());
    assertTrue(rejections.count("routes") >= 3, "rejections: " + rejections.count("routes"));
  }

  @Test
  void aValueMovedToAnotherKeyOrAnotherMapDoesNotOpen() {
    AsyncMap<String, Object> rawServices = vertx.sharedData().<String, Object>getLocalAsyncMap("service.registry").await();
    AsyncMap<String, String> routes = sealed("routes", raw);
    AsyncMap<String, String> services = sealed("service.registry", rawServices);
    routes.put("current", "{\"routes\":[]}").await();
    Object ciphertext = raw.get("current").await();
    raw.put("other", ciphertext).await();
    rawServices.put("current", ciphertext).await();
    assertNull(routes.get("other").await());
    assertNull(services.get("current").await());
    assertEquals("{\"routes\":[]}", routes.get("current").await());
    assertEquals(1, rejections.count("routes"));
    assertEquals(1, rejections.count("service.registry"));
  }

  @Test
  void aChangedByteOrAnotherClusterKeyFailsAuthentication() {
    String sealedText = seal.seal("routes", "current", "hello".getBytes(StandardCharsets.UTF_8));
    byte[] bytes = Base64.getUrlDecoder().decode(sealedText.substring(4));
    for (int i = 0; i < bytes.length; i += 7) {
      byte[] changed = bytes.clone();
      changed[i] ^= 0x01;
      String tampered = "gs1." + Base64.getUrlEncoder().withoutPadding().encodeToString(changed);
      assertThrows(ClusterSeal.SealException.class, () -> seal.open("routes", "current", tampered), "byte " + i);
    }
    ClusterSeal other = new ClusterSeal("another key of thirty-two bytes!".getBytes(StandardCharsets.US_ASCII));
    assertThrows(ClusterSeal.SealException.class, () -> other.open("routes", "current", sealedText));
    assertThrows(ClusterSeal.SealException.class, () -> seal.open("routes", "current", sealedText.substring(0, 20)));
    assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), seal.open("routes", "current", sealedText));
  }

  @Test
  void aForeignValueCannotHoldAKeyAgainstPutIfAbsent() {
    AsyncMap<String, String> map = sealed("routes", raw);
    raw.put("lock-holder", "plain").await();
    assertNull(map.putIfAbsent("lock-holder", "mine").await());
    assertEquals("mine", map.get("lock-holder").await());
    assertEquals("mine", map.putIfAbsent("lock-holder", "second").await());
  }

  @Test
  void conditionalChangesCompareOpenedValues() {
    AsyncMap<String, String> map = sealed("routes", raw);
    map.put("k", "v1").await();
    assertFalse(map.replaceIfPresent("k", "v0", "v2").await());
    assertTrue(map.replaceIfPresent("k", "v1", "v2").await());
    assertEquals("v2", map.get("k").await());
    assertFalse(map.removeIfPresent("k", "v1").await());
    assertTrue(map.removeIfPresent("k", "v2").await());
    assertNull(map.get("k").await());
  }

  @Test
  void duringARotationTheNewKeySealsAndBothOpen() {
    byte[] next = "the next key, thirty-two bytes!!".getBytes(StandardCharsets.US_ASCII);
    String underOld = seal.seal("routes", "current", "old".getBytes(StandardCharsets.UTF_8));
    ClusterSeal rotating = new ClusterSeal(List.of(next, KEY));
    String underNew = rotating.seal("routes", "current", "new".getBytes(StandardCharsets.UTF_8));
    assertArrayEquals("old".getBytes(StandardCharsets.UTF_8), rotating.open("routes", "current", underOld));
    assertArrayEquals("new".getBytes(StandardCharsets.UTF_8), new ClusterSeal(List.of(KEY, next)).open("routes", "current", underNew));
    assertThrows(ClusterSeal.SealException.class, () -> seal.open("routes", "current", underNew));
    assertThrows(ClusterSeal.SealException.class, () -> new ClusterSeal(next).open("routes", "current", underOld));
  }
}
