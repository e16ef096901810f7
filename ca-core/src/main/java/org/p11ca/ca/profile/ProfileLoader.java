package org.p11ca.ca.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads profile YAML files at start-up: from a directory the operator configures, or the defaults shipped in this
 * jar. Every file is validated before any profile is handed out; the first bad one stops the load with a message
 * naming the file, the field and the rule.
 */
public final class ProfileLoader {

  /** The profiles shipped as resources next to this class. */
  public static final List<String> DEFAULT_PROFILE_IDS = List.of(
      "caFullCMCUserSignedCert",
      "caFullCMCUserCert",
      "caFullCMCSelfSignedCert",
      "caFullCMCSharedTokenCert",
      "caFullCMCEncryptionCert",
      "caFullCMCUserSignedEncryptionCert",
      "caServerCert",
      "caSubCACert",
      "caKraTransportCert",
      "caOCSPCert");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      // A misspelt key ("keyUsages") must not silently fall back to a default.
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private ProfileLoader() {
  }

  /** Every {@code *.yaml} / {@code *.yml} file in {@code dir}, in name order. */
  public static Profiles load(Path dir) {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(f -> f.getFileName().toString().matches(".*\\.ya?ml") && Files.isRegularFile(f))
          .sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list profile directory " + dir, e);
    }
    List<Profile> profiles = new ArrayList<>();
    for (Path f : files) {
      profiles.add(loadFile(f));
    }
    return new Profiles(profiles);
  }

  /** The default profiles shipped in this jar. */
  public static Profiles loadDefaults() {
    List<Profile> profiles = new ArrayList<>();
    for (String id : DEFAULT_PROFILE_IDS) {
      String name = id + ".yaml";
      try (InputStream in = ProfileLoader.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalStateException("default profile resource " + name + " is missing from the jar");
        }
        profiles.add(parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read default profile " + name, e);
      }
    }
    return new Profiles(profiles);
  }

  public static Profile loadFile(Path file) {
    try {
      return parse(file.getFileName().toString(), Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read profile " + file, e);
    }
  }

  /** Parses and validates one profile; {@code source} is the file name errors cite. */
  public static Profile parse(String source, String yaml) {
    if (yaml.isBlank()) {
      throw new InvalidProfileException(source, "is empty");
    }
    ProfileConfig raw;
    try {
      raw = YAML.readValue(yaml, ProfileConfig.class);
    } catch (UnrecognizedPropertyException e) {
      throw new InvalidProfileException(source, "field '" + path(e) + "' is not a profile setting", e);
    } catch (JsonMappingException e) {
      if (e.getPath().isEmpty()) {
        throw new InvalidProfileException(source, "must be a mapping of profile settings", e);
      }
      throw new InvalidProfileException(source, "field '" + path(e) + "' has the wrong type: "
          + e.getOriginalMessage().lines().findFirst().orElse(""), e);
    } catch (JsonProcessingException e) {
      throw new InvalidProfileException(source, "is not valid YAML: "
          + e.getOriginalMessage().lines().findFirst().orElse(""), e);
    }
    if (raw == null) {
      throw new InvalidProfileException(source, "is empty");
    }
    return Profile.fromConfig(source, raw);
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }
}
