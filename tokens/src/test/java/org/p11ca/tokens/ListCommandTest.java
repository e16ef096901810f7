package org.p11ca.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.p11ca.hsm.Backend;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListCommandTest {

  static final String TSV_HEADER = "class\ttype\tbits\tlabel\tid\tpersistence\tprivate\tsensitive\textractable";

  CliToken token;

  @BeforeAll
  void createTokenWithKeysAndCertificate(@TempDir Path dir) {
    token = CliToken.create(dir, "list");
    token.run("generate-key", "--label", "ca", "--type", "rsa2048", "--purpose", "ca").requireSuccess();
    token.run("generate-key", "--label", "audit", "--type", "ec-p256", "--purpose", "audit").requireSuccess();
    token.run("generate-key", "--label", "storage", "--type", "aes256", "--purpose", "kra-storage")
        .requireSuccess();
    token.run("self-signed-ca", "--key", "ca", "--subject", "CN=List Test CA").requireSuccess();
  }

  List<String[]> rows(Backend backend) {
    List<String> lines = token.run(backend, "list", "--format", "tsv").requireSuccess().out().lines().toList();
    assertEquals(TSV_HEADER, lines.get(0));
    List<String[]> rows = lines.stream().skip(1).map(l -> l.split("\t", -1)).toList();
    rows.forEach(r -> assertEquals(9, r.length, String.join("|", r)));
    return rows;
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void list_tsvShowsEveryPrivateAndSecretKeySensitiveAndNotExtractable(Backend backend) {
    List<String[]> keys = rows(backend).stream()
        .filter(r -> r[0].equals("private-key") || r[0].equals("secret-key")).toList();
    assertEquals(3, keys.size());
    for (String[] key : keys) {
      assertEquals("yes", key[7], key[3] + " sensitive");
      assertEquals("no", key[8], key[3] + " extractable");
      assertEquals("yes", key[6], key[3] + " private");
      assertEquals("token", key[5], key[3] + " persistence");
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void list_tsvDescribesTypeSizeAndId(Backend backend) {
    List<String[]> rows = rows(backend);
    String[] ca = rows.stream().filter(r -> r[0].equals("private-key") && r[3].equals("ca")).findFirst()
        .orElseThrow();
    assertEquals("rsa", ca[1]);
    assertEquals("2048", ca[2]);
    assertTrue(ca[4].matches("[0-9a-f]{40}"), ca[4]);
    String[] audit = rows.stream().filter(r -> r[0].equals("private-key") && r[3].equals("audit")).findFirst()
        .orElseThrow();
    assertEquals("ec", audit[1]);
    assertEquals("256", audit[2]);
    String[] storage = rows.stream().filter(r -> r[0].equals("secret-key")).findFirst().orElseThrow();
    assertEquals("aes", storage[1]);
    assertEquals("256", storage[2]);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void list_certificateAndPublicKeysHaveNoSecurityFlags(Backend backend) {
    List<String[]> rows = rows(backend);
    String[] certificate = rows.stream().filter(r -> r[0].equals("certificate")).findFirst().orElseThrow();
    assertEquals("ca", certificate[3]);
    assertEquals("no", certificate[6], "a certificate is public");
    assertEquals("-", certificate[7]);
    assertEquals("-", certificate[8]);
    String caKeyId = rows.stream().filter(r -> r[0].equals("private-key") && r[3].equals("ca")).findFirst()
        .orElseThrow()[4];
    assertEquals(caKeyId, certificate[4], "the certificate shares its key's CKA_ID");
    assertTrue(rows.stream().anyMatch(r -> r[0].equals("public-key") && r[3].equals("ca") && r[7].equals("-")));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void list_tableHasAnAlignedHeader(Backend backend) {
    List<String> lines = token.run(backend, "list").requireSuccess().out().lines().toList();
    assertTrue(lines.get(0).matches(
        "CLASS +TYPE +BITS +LABEL +ID +PERSISTENCE +PRIVATE +SENSITIVE +EXTRACTABLE"), lines.get(0));
    int labelColumn = lines.get(0).indexOf("LABEL");
    for (String line : lines.subList(1, lines.size())) {
      assertFalse(line.contains("\t"), line);
      assertTrue(line.charAt(labelColumn - 1) == ' ' && line.charAt(labelColumn) != ' ', line);
    }
  }
}
