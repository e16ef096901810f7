package org.p11ca.client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Dogtag tool's .cfg file (CMCRequest, HttpClient): {@code key=value} lines, {@code #} comments. Read literally,
 * not as java.util.Properties, so a backslash in a path stays a backslash. Only keys the command knows are allowed:
 * a misspelt key would otherwise silently change what is sent.
 */
final class DogtagConfig {

  private final Path file;
  private final Map<String, String> values;

  private DogtagConfig(Path file, Map<String, String> values) {
    this.file = file;
    this.values = values;
  }

  static DogtagConfig read(Path file) {
    String text = new String(LocalFiles.read(file, "config file"), StandardCharsets.UTF_8);
    Map<String, String> values = new LinkedHashMap<>();
    int lineNumber = 0;
    for (String raw : text.split("\\R")) {
      lineNumber++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new UsageException(file + " line " + lineNumber + ": expected key=value");
      }
      String key = line.substring(0, eq).strip();
      if (values.put(key, line.substring(eq + 1).strip()) != null) {
        throw new UsageException(file + " line " + lineNumber + ": key '" + key + "' given twice");
      }
    }
    return new DogtagConfig(file, values);
  }

  /** Refuses keys outside {@code known}. */
  DogtagConfig allowOnly(Set<String> known, String tool) {
    for (String key : values.keySet()) {
      if (!known.contains(key)) {
        throw new UsageException(file + ": key '" + key + "' is not one " + tool + " reads (known: "
            + String.join(", ", new TreeSet<>(known)) + ")");
      }
    }
    return this;
  }

  /** A non-empty value. */
  Optional<String> value(String key) {
    return Optional.ofNullable(values.get(key)).filter(v -> !v.isEmpty());
  }

  Optional<Path> path(String key, CmcTool tool) {
    // Relative to the working directory, as Dogtag's tools open them (the fixtures' cfg files say "run from the
    // fixture root").
    return value(key).map(v -> {
      try {
        return tool.resolve(Path.of(v));
      } catch (java.nio.file.InvalidPathException e) {
        throw new UsageException(file + ": " + key + " is not a file name: " + e.getReason());
      }
    });
  }

  Optional<Boolean> flag(String key) {
    return value(key).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new UsageException(file + ": " + key + "=" + v + " is neither true nor false");
    });
  }

  /** Refuses a setting that asks for something this tool does not do, rather than silently not doing it. */
  void refuse(String key, String expected, String why) {
    value(key).filter(v -> !v.equalsIgnoreCase(expected)).ifPresent(v -> {
      throw new UsageException(file + ": " + key + "=" + v + " is not supported: " + why);
    });
  }

  Path file() {
    return file;
  }
}
