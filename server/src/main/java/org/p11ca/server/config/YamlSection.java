package org.p11ca.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One mapping of the config file, read strictly: a key this section does not know is an error (a misspelt
 * {@code maxBodyByte} must not silently leave the default in force), and every error names the file and the dotted
 * path of the field.
 */
final class YamlSection {

  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private final Path file;
  private final String path;
  private final JsonNode node;

  private YamlSection(Path file, String path, JsonNode node) {
    this.file = file;
    this.path = path;
    this.node = node;
  }

  static YamlSection root(Path file, JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      throw new ConfigException(file, "", "is empty");
    }
    if (!node.isObject()) {
      throw new ConfigException(file, "", "must be a mapping of keys to values, not a " + kind(node));
    }
    return new YamlSection(file, "", node);
  }

  /** Refuses any key outside {@code known}. */
  YamlSection allowOnly(String... known) {
    Set<String> allowed = Set.of(known);
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw error(name, "unknown key; expected one of " + new TreeSet<>(allowed));
      }
    }
    return this;
  }

  ConfigException error(String key, String reason) {
    return new ConfigException(file, field(key), reason);
  }

  Path file() {
    return file;
  }

  Optional<YamlSection> section(String key) {
    JsonNode child = present(key);
    if (child == null) {
      return Optional.empty();
    }
    if (!child.isObject()) {
      throw error(key, "must be a mapping, not a " + kind(child));
    }
    return Optional.of(new YamlSection(file, field(key), child));
  }

  YamlSection requiredSection(String key) {
    return section(key).orElseThrow(() -> error(key, "is required"));
  }

  List<String> keys() {
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  Optional<String> string(String key) {
    JsonNode child = present(key);
    if (child == null) {
      return Optional.empty();
    }
    if (!child.isTextual()) {
      throw error(key, "must be a string, not a " + kind(child));
    }
    String text = child.asText().trim();
    if (text.isEmpty()) {
      throw error(key, "must not be empty");
    }
    return Optional.of(text);
  }

  String requiredString(String key) {
    return string(key).orElseThrow(() -> error(key, "is required"));
  }

  /** A path; a relative one is taken relative to the config file's directory, not to the working directory. */
  Optional<Path> path(String key) {
    return string(key).map(s -> {
      try {
        Path p = Path.of(s);
        Path base = file.toAbsolutePath().getParent();
        return (p.isAbsolute() || base == null ? p : base.resolve(p)).normalize();
      } catch (java.nio.file.InvalidPathException e) {
        throw error(key, "is not a valid path: " + e.getReason());
      }
    });
  }

  long integer(String key, long defaultValue, long min, long max) {
    JsonNode child = present(key);
    if (child == null) {
      return defaultValue;
    }
    if (!child.isIntegralNumber() || !child.canConvertToLong()) {
      throw error(key, "must be a whole number, not " + describe(child));
    }
    long value = child.asLong();
    if (value < min || value > max) {
      throw error(key, "must be between " + min + " and " + max + ", not " + value);
    }
    return value;
  }

  boolean bool(String key, boolean defaultValue) {
    JsonNode child = present(key);
    if (child == null) {
      return defaultValue;
    }
    if (!child.isBoolean()) {
      throw error(key, "must be true or false, not " + describe(child));
    }
    return child.asBoolean();
  }

  /** An ISO-8601 duration ({@code PT30S}) or a number with a unit: {@code 500ms}, {@code 30s}, {@code 5m}, ... */
  Duration duration(String key, Duration defaultValue) {
    JsonNode child = present(key);
    if (child == null) {
      return defaultValue;
    }
    String text = child.isTextual() ? child.asText().trim() : "";
    Duration d = parseDuration(text).orElseThrow(() -> error(key,
        "must be a duration such as 30s, 5m or PT30S, not " + describe(child)));
    if (d.isNegative() || d.isZero()) {
      throw error(key, "must be positive, not " + text);
    }
    return d;
  }

  Optional<List<String>> strings(String key) {
    JsonNode child = present(key);
    if (child == null) {
      return Optional.empty();
    }
    if (!child.isArray()) {
      throw error(key, "must be a list of strings, not a " + kind(child));
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < child.size(); i++) {
      JsonNode item = child.get(i);
      if (!item.isTextual() || item.asText().isBlank()) {
        throw error(key + "[" + i + "]", "must be a non-empty string, not " + describe(item));
      }
      values.add(item.asText().trim());
    }
    return Optional.of(List.copyOf(values));
  }

  static Optional<Duration> parseDuration(String text) {
    Matcher m = SHORT_DURATION.matcher(text.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return Optional.of(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
    }
    try {
      return Optional.of(Duration.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The child, or null when absent or explicitly null (YAML {@code key:} with no value means "use the default"). */
  private JsonNode present(String key) {
    JsonNode child = node.get(key);
    return child == null || child.isNull() ? null : child;
  }

  private String field(String key) {
    return path.isEmpty() || key.isEmpty() ? path + key : path + "." + key;
  }

  private static String kind(JsonNode n) {
    return n.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static String describe(JsonNode n) {
    return n.isTextual() ? "'" + n.asText() + "'" : kind(n) + " " + n;
  }
}
