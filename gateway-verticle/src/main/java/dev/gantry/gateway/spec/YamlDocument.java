package dev.gantry.gateway.spec;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.Construct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML document as the JSON values the spec readers take: mappings, lists, strings, numbers,
 * booleans and null, nothing else. YAML's other types are refused or read as text where a route
 * file could mean one (a date such as {@code 2026-01-01} stays a string); an alias that contains
 * itself, a mapping key that is not a plain value and a number that is not finite are refused with
 * the path where they are. Every refusal is a {@link ServiceException}.
 */
final class YamlDocument {
  private YamlDocument() {}

  /** The document's value (null for an empty one). */
  static Object read(String yaml) {
    Object tree;
    try {
      tree = new Yaml(new JsonConstructor()).load(yaml);
    } catch (YAMLException | IllegalArgumentException e) {
      // SnakeYAML refuses a malformed tag (!a%e) with an IllegalArgumentException of its own, and its
      // scanner lets Integer.parseInt fail on a backslash-u escape cut short by the end of the text
      throw new ServiceException(Failure.BAD_REQUEST, "not valid YAML: " + (e instanceof NumberFormatException
          ? "an escape sequence without its hex digits" : String.valueOf(e.getMessage()).replaceAll("\\s+", " ")));
    }
    return toJson(tree);
  }

  /** A tree SnakeYAML loaded, as Vert.x JSON values (mappings become JsonObjects, lists JsonArrays). */
  static Object toJson(Object yaml) {
    return toJson(yaml, "", Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  private static Object toJson(Object yaml, String path, Set<Object> open) {
    if (yaml instanceof Map<?, ?> || yaml instanceof List<?>) {
      if (!open.add(yaml)) {
        throw SpecReader.invalid(path.isEmpty() ? "(document)" : path, "an alias that contains itself");
      }
      Object json = yaml instanceof Map<?, ?> map ? object(map, path, open) : array((List<?>) yaml, path, open);
      open.remove(yaml);
      return json;
    }
    if ((yaml instanceof Double d && !Double.isFinite(d)) || (yaml instanceof Float f && !Float.isFinite(f))) {
      throw SpecReader.invalid(path, "must be a finite number, not " + yaml);
    }
    return yaml;
  }

  private static JsonObject object(Map<?, ?> map, String path, Set<Object> open) {
    JsonObject object = new JsonObject();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (e.getKey() instanceof Map<?, ?> || e.getKey() instanceof List<?>) {
        throw SpecReader.invalid(path.isEmpty() ? "(document)" : path, "a key must be a plain value, not a "
            + (e.getKey() instanceof Map<?, ?> ? "mapping" : "list"));
      }
      String key = String.valueOf(e.getKey());
      object.put(key, toJson(e.getValue(), path.isEmpty() ? key : path + "." + key, open));
    }
    return object;
  }

  private static JsonArray array(List<?> list, String path, Set<Object> open) {
    JsonArray array = new JsonArray();
    for (int i = 0; i < list.size(); i++) {
      array.add(toJson(list.get(i), path + "[" + i + "]", open));
    }
    return array;
  }

  /**
   * SnakeYAML's safe constructor without the types JSON has no value for: a timestamp is read as
   * the text it is; {@code !!binary}, {@code !!set}, {@code !!omap} and {@code !!pairs} are
   * unknown tags (a YAML error), and so is a tag on the wrong kind of node ({@code !!str {a: 1}}),
   * which SnakeYAML's own constructors would fail with a ClassCastException.
   */
  private static final class JsonConstructor extends SafeConstructor {
    private static final Set<Tag> SCALARS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP);

    JsonConstructor() {
      super(new LoaderOptions());
      yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
      yamlConstructors.remove(Tag.BINARY);
      yamlConstructors.remove(Tag.SET);
      yamlConstructors.remove(Tag.OMAP);
      yamlConstructors.remove(Tag.PAIRS);
    }

    @Override
    protected Construct getConstructor(Node node) {
      Tag tag = node.getTag();
      String kind = node instanceof ScalarNode ? "scalar" : node instanceof MappingNode ? "mapping" : "list";
      if (SCALARS.contains(tag) && !(node instanceof ScalarNode) || tag.equals(Tag.MAP) && !(node instanceof MappingNode)
          || tag.equals(Tag.SEQ) && !(node instanceof SequenceNode)) {
        throw new YAMLException(tag.getValue() + " cannot tag a " + kind + " (line "
            + (node.getStartMark() == null ? "?" : node.getStartMark().getLine() + 1) + ")");
      }
      return super.getConstructor(node);
    }
  }
}
