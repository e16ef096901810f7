package org.p11ca.ca.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The names of the files a log is rotated into: {@code <log>.<UTC time of rotation>}, for example
 * {@code audit.log.20261207T203000Z}, with {@code -2}, {@code -3}, ... should two rotations fall in one second.
 * Names sort as the files follow one another, which is the order an auditor reads them in.
 */
public final class AuditLogFiles {

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  private AuditLogFiles() {
  }

  /** The files rotated away from {@code log}, oldest first; none when there are none (or no directory). */
  public static List<Path> rotated(Path log) {
    Pattern name = pattern(log);
    Path dir = log.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(p -> name.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))
          .sorted(Comparator.comparing((Path p) -> stamp(name, p)).thenComparingInt(p -> counter(name, p)))
          .map(p -> log.resolveSibling(p.getFileName()))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /** A name for {@code log} rotated at {@code at} that no file beside it has yet. */
  static Path nextRotatedName(Path log, Instant at) {
    String base = log.getFileName() + "." + STAMP.format(at);
    Path candidate = log.resolveSibling(base);
    for (int n = 2; Files.exists(candidate); n++) {
      candidate = log.resolveSibling(base + "-" + n);
    }
    return candidate;
  }

  private static Pattern pattern(Path log) {
    return Pattern.compile(Pattern.quote(log.getFileName().toString()) + "\\.(\\d{8}T\\d{6}Z)(?:-(\\d{1,6}))?");
  }

  private static String stamp(Pattern name, Path p) {
    Matcher m = name.matcher(p.getFileName().toString());
    return m.matches() ? m.group(1) : "";
  }

  private static int counter(Pattern name, Path p) {
    Matcher m = name.matcher(p.getFileName().toString());
    return m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : 1;
  }
}
