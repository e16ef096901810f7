package org.p11ca.server;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Output files that will hold a secret (a recovered key, a shared secret): owner-only from the moment they exist. */
final class OwnerOnlyFile {

  private OwnerOnlyFile() {
  }

  /** Creates {@code file} empty and owner-only; an existing file is refused, never overwritten. */
  static void create(Path file) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      throw new UsageException(file + " exists; refusing to overwrite it");
    }
  }
}
