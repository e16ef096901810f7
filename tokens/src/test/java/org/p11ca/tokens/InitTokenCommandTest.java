package org.p11ca.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.testing.SoftHsm;

class InitTokenCommandTest {

  @TempDir
  Path dir;

  @Test
  void initToken_thenLoginCheckSucceedsInTheReportedSlot() {
    SoftHsm.conf();
    String label = CliToken.uniqueLabel("init");
    Path userPin = CliToken.pinFile(dir, "user.pin");
    Cli.Result init = Cli.run("init-token", "--library", CliToken.library(), "--label", label, "--so-pin-file",
        CliToken.pinFile(dir, "so.pin").toString(), "--pin-file", userPin.toString()).requireSuccess();
    Matcher m = Pattern.compile("initialized token '" + Pattern.quote(label) + "' in slot (\\d+)\\R?")
        .matcher(init.out());
    assertTrue(m.matches(), init.out());

    Cli.Result check = Cli.run("login-check", "--library", CliToken.library(), "--slot", m.group(1), "--pin-file",
        userPin.toString()).requireSuccess();
    assertEquals("login ok: token '" + label + "' in slot " + m.group(1) + " (iaik backend)", check.out().strip());
  }

  @Test
  void loginCheck_namesTheSunBackend() {
    CliToken token = CliToken.create(dir, "sun-login");
    assertTrue(token.run(Backend.SUN, "login-check").requireSuccess().out().strip()
        .matches("login ok: token '" + Pattern.quote(token.label()) + "' in slot \\d+ \\(sun backend\\)"));
  }

  @Test
  void initToken_existingLabelIsRefused() {
    CliToken token = CliToken.create(dir, "dup");
    Cli.Result again = Cli.run("init-token", "--library", CliToken.library(), "--label", token.label(),
        "--so-pin-file", token.soPinFile().toString(), "--pin-file", token.userPinFile().toString());
    Cli.assertOneLineFailure(again, 1, "'" + token.label() + "' already exists");
  }

  @Test
  void initToken_neverErasesAnInitializedSlot() {
    CliToken token = CliToken.create(dir, "keep");
    String slot = token.run("login-check").requireSuccess().out().replaceAll("(?s).* in slot (\\d+) .*", "$1");
    Cli.Result init = Cli.run("init-token", "--library", CliToken.library(), "--label", CliToken.uniqueLabel("x"),
        "--slot", slot, "--so-pin-file", token.soPinFile().toString(), "--pin-file", token.userPinFile().toString());
    Cli.assertOneLineFailure(init, 1, "already holds initialized token '" + token.label() + "'");
    token.run("login-check").requireSuccess();
  }

  @Test
  void initToken_onTheSunBackendFailsNamingTheBackend() {
    SoftHsm.conf();
    Cli.Result init = Cli.run("init-token", "--library", CliToken.library(), "--backend", "sun", "--label",
        CliToken.uniqueLabel("sun"), "--so-pin-file", CliToken.pinFile(dir, "so.pin").toString(), "--pin-file",
        CliToken.pinFile(dir, "user.pin").toString());
    Cli.assertOneLineFailure(init, 1, "sun backend", "iaik");
  }
}
