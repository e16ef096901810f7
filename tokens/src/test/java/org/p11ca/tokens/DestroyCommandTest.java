package org.p11ca.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DestroyCommandTest {

  CliToken token;

  @BeforeAll
  void createToken(@TempDir Path dir) {
    token = CliToken.create(dir, "destroy");
  }

  boolean listed(String objectClass, String label) {
    return token.listRows().stream().anyMatch(r -> r[0].equals(objectClass) && r[3].equals(label));
  }

  @Test
  void destroy_removesTheSecretKey() {
    token.run("generate-key", "--label", "gone", "--type", "aes128", "--purpose", "kra-storage").requireSuccess();
    Cli.Result result = token.run("destroy", "--label", "gone", "--class", "secret-key").requireSuccess();
    assertTrue(result.out().startsWith("destroyed secret-key 'gone' with CKA_ID "), result.out());
    assertFalse(listed("secret-key", "gone"));
  }

  @Test
  void destroy_removesOnlyTheNamedClass() {
    token.run("generate-key", "--label", "pair", "--type", "ec-p256", "--purpose", "sign").requireSuccess();
    token.run("destroy", "--label", "pair", "--class", "public-key").requireSuccess();
    assertFalse(listed("public-key", "pair"));
    assertTrue(listed("private-key", "pair"));
  }

  @Test
  void destroy_byLabelAndId() {
    token.run("generate-key", "--label", "by-id", "--id", "c0ffee", "--type", "aes256", "--purpose", "kra-storage")
        .requireSuccess();
    Cli.assertOneLineFailure(token.run("destroy", "--label", "by-id", "--class", "secret-key", "--id", "00"), 1,
        "no secret key with label 'by-id' and CKA_ID 00");
    token.run("destroy", "--label", "by-id", "--class", "secret-key", "--id", "c0ffee").requireSuccess();
    assertFalse(listed("secret-key", "by-id"));
  }

  @Test
  void destroy_missingObjectFails() {
    Cli.assertOneLineFailure(token.run("destroy", "--label", "never", "--class", "private-key"), 1,
        "no private key with label 'never'");
  }

  @Test
  void destroy_unknownClassIsAUsageError() {
    Cli.Result result = token.run("destroy", "--label", "x", "--class", "key");
    Cli.assertOneLineFailure(result, 2, "unknown object class 'key'", "private-key, public-key, secret-key");
    assertEquals("", result.out());
  }
}
