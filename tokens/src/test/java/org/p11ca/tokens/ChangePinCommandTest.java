package org.p11ca.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.hsm.Backend;

class ChangePinCommandTest {

  @TempDir
  Path dir;

  @Test
  void changePin_onIaikThenLoginWithTheNewPinFile() {
    CliToken token = CliToken.create(dir, "chpin");
    Path newPin = CliToken.pinFile(dir, "new.pin");
    Cli.Result changed = token.run("change-pin", "--new-pin-file", newPin.toString()).requireSuccess();
    assertEquals("changed the user PIN of token '" + token.label() + "'", changed.out().strip());

    Cli.run("login-check", "--library", CliToken.library(), "--token", token.label(), "--pin-file",
        newPin.toString()).requireSuccess();
  }

  @Test
  void changePin_withTheWrongCurrentPinFails() {
    CliToken token = CliToken.create(dir, "chpin-wrong");
    Path wrong = CliToken.pinFile(dir, "wrong.pin");
    Path newPin = CliToken.pinFile(dir, "new.pin");
    Cli.Result result = Cli.run("change-pin", "--library", CliToken.library(), "--token", token.label(),
        "--pin-file", wrong.toString(), "--new-pin-file", newPin.toString());
    Cli.assertOneLineFailure(result, 1, "wrong PIN", token.label());
    token.run("login-check").requireSuccess();
  }

  @Test
  void changePin_onSunFailsWithOneLineNamingTheBackend() {
    CliToken token = CliToken.create(dir, "chpin-sun");
    Path newPin = CliToken.pinFile(dir, "new.pin");
    Cli.Result result = token.run(Backend.SUN, "change-pin", "--new-pin-file", newPin.toString());
    Cli.assertOneLineFailure(result, 1, "sun backend", "C_SetPIN", "iaik");
    assertFalse(result.err().contains(token.userPin()));
    token.run("login-check").requireSuccess();
  }
}
