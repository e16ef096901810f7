package org.p11ca.client;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import org.p11ca.hsm.testing.SoftHsm;

/** A fresh SoftHSM2 token for a test class, with its user PIN in an owner-only file. */
record TestTokens(SoftHsm.TestToken token, Path pinFile) {

  static TestTokens create(Path dir, String purpose) {
    SoftHsm.TestToken t = SoftHsm.createToken(purpose);
    return new TestTokens(t, Fixtures.secretFile(dir, t.label() + ".pin", new String(t.userPin())));
  }

  /** {@code command --library L --token T --pin-file F} plus {@code more}. */
  String[] command(String command, String... more) {
    List<String> all = new ArrayList<>(List.of(command, "--library", SoftHsm.library().toString(), "--token",
        token.label(), "--pin-file", pinFile.toString()));
    all.addAll(Arrays.asList(more));
    return all.toArray(String[]::new);
  }

  /** The same token through the hsm API, for set-up and checks; close it before the CLI opens the token. */
  Token open(Backend backend) {
    return Pkcs11Library.open(token.config(backend));
  }

}
