package org.p11ca.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/softhsm-init.sh on an empty directory, checked by tools that share no code with p11ca: pkcs11-tool
 * (OpenSC) for the token's objects and attributes, openssl for the CA certificate.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SoftHsmInitScriptTest {

  static final String LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";
  static final List<String> KEY_LABELS = List.of("ca-signing", "kra-transport", "kra-storage", "pop-protection",
      "shared-secret-protection", "audit-signing", "tls-server", "ocsp-signing");
  static final List<String> SECRET_KEY_LABELS = List.of("kra-storage", "pop-protection", "shared-secret-protection");

  Path data;
  Processes.Result firstRun;

  @BeforeAll
  void runScript(@TempDir Path dir) {
    data = dir.resolve("p11ca-data");
    firstRun = Processes.run(Map.of(), "bash", "scripts/softhsm-init.sh", data.toString()).requireSuccess();
  }

  Map<String, String> softhsmEnv() {
    return Map.of("SOFTHSM2_CONF", data.resolve("softhsm/softhsm2.conf").toString());
  }

  String userPin() throws Exception {
    return Files.readString(data.resolve("softhsm/user.pin")).strip();
  }

  /** pkcs11-tool -O, logged in; the PIN goes through the environment (OpenSC's env: form), not its arguments. */
  String pkcs11ToolObjects() throws Exception {
    Map<String, String> env = new java.util.HashMap<>(softhsmEnv());
    env.put("P11CA_E2E_PIN", userPin());
    return Processes.run(env, "pkcs11-tool", "--module", LIBRARY, "--token-label", "p11ca", "--login", "--pin",
        "env:P11CA_E2E_PIN", "-O").requireSuccess().stdout();
  }

  record ObjectBlock(String kind, String label, String access) {
  }

  static List<ObjectBlock> parseObjects(String listing) {
    List<ObjectBlock> blocks = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^(Private Key|Secret Key|Public Key|Certificate|Data) Object;.*$"
        + "((?:\\n[ \\t].*)*)").matcher(listing);
    while (m.find()) {
      String body = m.group(2);
      blocks.add(new ObjectBlock(m.group(1), field(body, "label"), field(body, "Access")));
    }
    return blocks;
  }

  static String field(String body, String name) {
    Matcher f = Pattern.compile("(?m)^\\s+" + name + ":\\s*(.*)$").matcher(body);
    return f.find() ? f.group(1).strip() : "";
  }

  @Test
  void pkcs11Tool_listsEveryKeySensitiveAndNeverExtractable() throws Exception {
    List<ObjectBlock> objects = parseObjects(pkcs11ToolObjects());
    for (String label : KEY_LABELS) {
      String kind = SECRET_KEY_LABELS.contains(label) ? "Secret Key" : "Private Key";
      ObjectBlock key = objects.stream().filter(o -> o.kind().equals(kind) && o.label().equals(label)).findFirst()
          .orElseThrow(() -> new AssertionError("pkcs11-tool does not list " + kind + " " + label + ": " + objects));
      List<String> access = List.of(key.access().split(",\\s*"));
      assertTrue(access.contains("sensitive"), label + ": " + key.access());
      assertTrue(access.contains("never extractable"), label + ": " + key.access());
      assertFalse(access.contains("extractable"), label + ": " + key.access());
    }
    assertTrue(objects.stream().anyMatch(o -> o.kind().equals("Certificate") && o.label().equals("ca-signing")),
        "the CA certificate is on the token");
  }

  @Test
  void tokenTool_listsEveryKeySensitiveAndNotExtractable() throws Exception {
    String tsv = Processes.run(softhsmEnv(), "scripts/p11ca-token", "list", "--library", LIBRARY, "--token", "p11ca",
        "--pin-file", data.resolve("softhsm/user.pin").toString(), "--format", "tsv").requireSuccess().stdout();
    List<String[]> rows = tsv.lines().skip(1).map(l -> l.split("\t", -1)).toList();
    for (String label : KEY_LABELS) {
      String[] row = rows.stream().filter(r -> r[3].equals(label) && !r[0].contains("public")
          && !r[0].contains("certificate")).findFirst()
          .orElseThrow(() -> new AssertionError("p11ca-token list has no key " + label + ":\n" + tsv));
      assertEquals("yes", row[7], label + " sensitive");
      assertEquals("no", row[8], label + " extractable");
    }
  }

  @Test
  void pinFiles_areOwnerOnly() throws Exception {
    for (String f : List.of("user.pin", "so.pin")) {
      assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
          Files.getPosixFilePermissions(data.resolve("softhsm").resolve(f)), f);
    }
    assertFalse(firstRun.stdout().contains(userPin()), "the PIN is never printed");
    assertFalse(firstRun.stderr().contains(userPin()), "the PIN is never printed");
  }

  @Test
  void caCertificate_verifiesAndHasCaExtensions() {
    String ca = data.resolve("ca.pem").toString();
    Processes.Result verify = Processes.run(Map.of(), "openssl", "verify", "-CAfile", ca, ca).requireSuccess();
    assertTrue(verify.stdout().strip().endsWith(": OK"), verify.stdout());
    String text = Processes.run(Map.of(), "openssl", "x509", "-in", ca, "-noout", "-text").requireSuccess()
        .stdout();
    assertTrue(Pattern.compile("X509v3 Basic Constraints: critical\\s+CA:TRUE").matcher(text).find(), text);
    assertTrue(Pattern.compile("X509v3 Key Usage: critical\\s+Digital Signature, Certificate Sign, CRL Sign").matcher(text).find(),
        text);
    Matcher ski = Pattern.compile("X509v3 Subject Key Identifier:\\s+([0-9A-F:]+)").matcher(text);
    Matcher aki = Pattern.compile("X509v3 Authority Key Identifier:\\s+(?:keyid:)?([0-9A-F:]+)").matcher(text);
    assertTrue(ski.find(), text);
    assertTrue(aki.find(), text);
    assertEquals(ski.group(1), aki.group(1), "a root's AKI names its own key");
  }

  @Test
  void secondRun_changesNothingAndSaysSo() throws Exception {
    byte[] caBefore = Files.readAllBytes(data.resolve("ca.pem"));
    String objectsBefore = pkcs11ToolObjects();
    Processes.Result again = Processes.run(Map.of(), "bash", "scripts/softhsm-init.sh", data.toString())
        .requireSuccess();
    assertTrue(again.stdout().contains("already initialized; nothing changed"), again.stdout());
    assertArrayEquals(caBefore, Files.readAllBytes(data.resolve("ca.pem")));
    assertEquals(objectsBefore, pkcs11ToolObjects());
  }
}
