package org.p11ca.tokens;

import java.nio.file.Path;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import picocli.CommandLine.Option;

/** Which PKCS#11 library to load and through which backend: all that commands need before a token is chosen. */
final class LibraryOptions {

  @Option(names = "--library", paramLabel = "<path>",
      defaultValue = "${env:P11CA_PKCS11_LIBRARY:-/usr/lib/softhsm/libsofthsm2.so}",
      description = "PKCS#11 library (default: $P11CA_PKCS11_LIBRARY, else ${DEFAULT-VALUE})")
  Path library;

  // iaik by default: it is the backend that can do everything here, including C_InitToken and C_SetPIN.
  @Option(names = "--backend", paramLabel = "<sun|iaik>", defaultValue = "iaik",
      description = "PKCS#11 binding: sun (the JDK's) or iaik (default: ${DEFAULT-VALUE})")
  Backend backend;

  Pkcs11Library load() {
    return Pkcs11Library.load(library, backend);
  }
}
