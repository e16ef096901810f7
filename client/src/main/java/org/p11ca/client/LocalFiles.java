package org.p11ca.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Reading and writing the tool's files, with one-line errors that name the file and what it was for. */
final class LocalFiles {
  private LocalFiles() {
  }

  static byte[] read(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CmcToolException("cannot read " + what + " " + file + ": no such file");
    } catch (IOException e) {
      throw new CmcToolException("cannot read " + what + " " + file + ": " + describe(e));
    }
  }

  static void write(Path file, byte[] content, String what) {
    try {
      Files.write(file, content);
    } catch (IOException e) {
      throw new CmcToolException("cannot write " + what + " " + file + ": " + describe(e));
    }
  }

  static void write(Path file, String content, String what) {
    write(file, content.getBytes(StandardCharsets.US_ASCII), what);
  }

  /**
   * Writes a file holding a private key: owner-only, and never over an existing file, because overwriting a key
   * file destroys the only copy of a key someone may already have a certificate for.
   */
  static void writeNewSecret(Path file, byte[] content, String what) {
    try {
      try {
        // Owner-only from the moment it exists, not after the key is in it.
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: its default permissions are all we can have.
        Files.createFile(file);
      }
      Files.write(file, content, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException e) {
      throw new CmcToolException(what + " " + file + " already exists: it is not overwritten, choose another name");
    } catch (IOException e) {
      throw new CmcToolException("cannot write " + what + " " + file + ": " + describe(e));
    }
  }

  /**
   * Writes a file that holds a secret in clear, such as an unsigned revocation request with its passphrase:
   * owner-only from its creation on, and an existing file is made owner-only before it is overwritten.
   */
  static void writeOwnerOnly(Path file, byte[] content, String what) {
    try {
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (FileAlreadyExistsException e) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: its default permissions are all we can have.
      }
      Files.write(file, content, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new CmcToolException("cannot write " + what + " " + file + ": " + describe(e));
    }
  }

  private static String describe(IOException e) {
    return e.getClass().getSimpleName() + (e.getMessage() != null ? " " + e.getMessage() : "");
  }
}
