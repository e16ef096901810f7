package org.p11ca.tokens;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.PinSource;
import org.p11ca.hsm.SlotSelector;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.TokenConfig;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import org.p11ca.hsm.testing.SoftHsm;

/** A fresh SoftHSM token made by p11ca-token init-token itself, with owner-only PIN files in a test directory. */
record CliToken(String label, Path userPinFile, Path soPinFile) {

  static String library() {
    return SoftHsm.library().toString();
  }

  /** A token label no other test in this or an earlier run used (SoftHSM keeps tokens under target/). */
  static String uniqueLabel(String purpose) {
    String label = purpose + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    return label.length() > 32 ? label.substring(label.length() - 32) : label;
  }

  static CliToken create(Path dir, String purpose) {
    // SoftHSM reads SOFTHSM2_CONF once, when the library is first loaded: write it before anything loads it.
    SoftHsm.conf();
    String label = uniqueLabel(purpose);
    CliToken token = new CliToken(label, pinFile(dir, label + ".user.pin"), pinFile(dir, label + ".so.pin"));
    Cli.run("init-token", "--library", library(), "--label", label, "--so-pin-file", token.soPinFile.toString(),
        "--pin-file", token.userPinFile.toString()).requireSuccess();
    return token;
  }

  static Path pinFile(Path dir, String name) {
    return writeSecret(dir.resolve(name), new String(SoftHsm.randomPin()));
  }

  static Path writeSecret(Path file, String pin) {
    try {
      Files.writeString(file, pin + "\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String userPin() {
    return pinFileContent(userPinFile);
  }

  static String pinFileContent(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code command --library L --token label --pin-file F more...} on the iaik backend. */
  String[] args(String command, String... more) {
    return args(Backend.IAIK, command, more);
  }

  String[] args(Backend backend, String command, String... more) {
    List<String> all = new ArrayList<>(List.of(command, "--library", library(), "--backend",
        backend.name().toLowerCase(java.util.Locale.ROOT), "--token", label, "--pin-file", userPinFile.toString()));
    all.addAll(Arrays.asList(more));
    return all.toArray(String[]::new);
  }

  Cli.Result run(String command, String... more) {
    return Cli.run(args(command, more));
  }

  Cli.Result run(Backend backend, String command, String... more) {
    return Cli.run(args(backend, command, more));
  }

  /** The same token through the hsm API, for checks the CLI does not expose. */
  Token open() {
    return Pkcs11Library.open(TokenConfig.of(SoftHsm.library(), SlotSelector.tokenLabel(label),
        PinSource.file(userPinFile), Backend.IAIK));
  }

  /** Rows of {@code list --format tsv}, without the header. */
  List<String[]> listRows() {
    return run("list", "--format", "tsv").requireSuccess().out().lines().skip(1).map(l -> l.split("\t", -1))
        .toList();
  }
}
