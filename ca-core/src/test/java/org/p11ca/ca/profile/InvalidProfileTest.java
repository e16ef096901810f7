package org.p11ca.ca.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Each rule a profile file must follow, each broken by one file under test resources, one test per rule. */
class InvalidProfileTest {

  private static InvalidProfileException rejected(String name) {
    Path file;
    try {
      file = Path.of(InvalidProfileTest.class.getResource("invalid/" + name + ".yaml").toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
    return assertThrows(InvalidProfileException.class, () -> ProfileLoader.loadFile(file));
  }

  /** The message names the file, then the field and rule. */
  private static void assertRejected(String name, String fieldAndRule) {
    InvalidProfileException e = rejected(name);
    String expected = name + ".yaml: " + fieldAndRule;
    assertTrue(e.getMessage().startsWith(expected), () -> "expected '" + expected + "...' but was '"
        + e.getMessage() + "'");
    assertEquals(name + ".yaml", e.source());
  }

  @Test
  void rsaMinimumBelow2048IsRefused() {
    assertRejected("rsaMinBelow2048", "keys.rsaMinBits '1024' is below 2048");
  }

  @Test
  void emptyKeyUsageIsRefused() {
    assertRejected("emptyKeyUsage", "keyUsage.usages must name at least one usage (RFC 5280 4.2.1.3)");
  }

  @Test
  void unknownKeyUsageBitIsRefused() {
    assertRejected("unknownKeyUsage", "keyUsage.usages 'signEverything' is not a keyUsage bit of RFC 5280 4.2.1.3");
  }

  @Test
  void encipherOnlyWithoutKeyAgreementIsRefused() {
    assertRejected("encipherOnlyWithoutKeyAgreement",
        "keyUsage.usages may hold encipherOnly or decipherOnly only together with keyAgreement");
  }

  @Test
  void caProfileWithoutKeyCertSignIsRefused() {
    assertRejected("caWithoutKeyCertSign",
        "keyUsage.usages must include keyCertSign when basicConstraints.ca is true");
  }

  @Test
  void keyCertSignInEndEntityProfileIsRefused() {
    assertRejected("keyCertSignWithoutCa",
        "keyUsage.usages must not include keyCertSign unless basicConstraints.ca is true");
  }

  @Test
  void caProfileWithNonCriticalKeyUsageIsRefused() {
    assertRejected("caKeyUsageNotCritical", "keyUsage.critical must be true for a CA profile");
  }

  @Test
  void pathLenWithoutCaIsRefused() {
    assertRejected("pathLenWithoutCa", "basicConstraints.pathLen '1' is only allowed when ca is true");
  }

  @Test
  void negativePathLenIsRefused() {
    assertRejected("negativePathLen", "basicConstraints.pathLen '-1' must not be negative");
  }

  @Test
  void zeroValidityIsRefused() {
    assertRejected("zeroValidity", "validity 'P0D' must be positive (RFC 5280 4.1.2.5)");
  }

  @Test
  void negativeValidityInDaysIsRefused() {
    assertRejected("negativeValidity", "validity '-30' must be positive");
  }

  @Test
  void malformedValidityIsRefused() {
    assertRejected("malformedValidity", "validity 'one year' is not an ISO-8601 duration");
  }

  @Test
  void missingValidityIsRefused() {
    assertRejected("missingValidity", "validity is required");
  }

  @Test
  void unknownCurveIsRefused() {
    assertRejected("unknownCurve", "keys.ecCurves 'P-521' is not a supported curve");
  }

  @Test
  void profileAllowingNoKeyAlgorithmIsRefused() {
    assertRejected("noKeyAlgorithm", "keys must allow RSA (rsaMinBits) or at least one EC curve");
  }

  @Test
  void unknownExtendedKeyUsageIsRefused() {
    assertRejected("unknownEku", "extendedKeyUsage 'webLogin' is not a known key purpose of RFC 5280 4.2.1.12");
  }

  @Test
  void duplicateExtendedKeyUsageIsRefused() {
    assertRejected("duplicateEku", "extendedKeyUsage 'clientAuth' is listed twice");
  }

  @Test
  void ocspNoCheckOutsideAnOcspResponderProfileIsRefused() {
    assertRejected("ocspNoCheckWithoutOcspSigning", "ocspNoCheck needs extendedKeyUsage OCSPSigning");
  }

  @Test
  void malformedCrlUrlIsRefused() {
    assertRejected("malformedCrlUrl", "crlDistributionPoint 'http://crl example.com/ca.crl' is not a URL");
  }

  @Test
  void ocspUrlWithWrongSchemeIsRefused() {
    assertRejected("ocspUrlWrongScheme", "authorityInfoAccess.ocsp 'ftp://ocsp.example.com/' must be an absolute"
        + " URL with a host and scheme http or https");
  }

  @Test
  void relativeCaIssuersUrlIsRefused() {
    assertRejected("relativeCaIssuersUrl", "authorityInfoAccess.caIssuers '/ca.crt' must be an absolute URL");
  }

  @Test
  void unknownSubjectSourceIsRefused() {
    assertRejected("unknownSubjectSource", "subject.from 'directory' must be 'signer' or 'request'");
  }

  @Test
  void unknownRequiredSubjectAttributeIsRefused() {
    assertRejected("unknownSubjectAttribute", "subject.requireAnyOf 'shoeSize' is not a known attribute");
  }

  @Test
  void signerSubjectWithSuffixIsRefused() {
    assertRejected("signerWithSuffix", "subject takes requireAnyOf and suffix only with from: request");
  }

  @Test
  void malformedSubjectSuffixIsRefused() {
    assertRejected("malformedSuffix", "subject.suffix 'no equals sign' is not a distinguished name");
  }

  @Test
  void requiredDnsNameWithoutCopyingSanIsRefused() {
    assertRejected("dnsRequiredWithoutCopy", "subjectAltName.requireDnsName needs copyFromRequest: true");
  }

  @Test
  void encryptionOnlyKeysWithSigningUsageAreRefused() {
    assertRejected("encryptionOnlyWithSigningUsage",
        "allowEncryptionOnlyKeys is only allowed when keyUsage has no signing usage");
  }

  @Test
  void archivalWithoutEncryptionUsageIsRefused() {
    assertRejected("archivalWithoutEncryptionUsage", "archivalRequired needs an encryption usage");
  }

  @Test
  void unknownFieldIsRefused() {
    assertRejected("unknownField", "field 'keyUsages' is not a profile setting");
  }

  @Test
  void fieldOfWrongTypeIsRefused() {
    assertRejected("wrongType", "field 'archivalRequired' has the wrong type");
  }

  @Test
  void idThatDiffersFromFileNameIsRefused() {
    assertRejected("idMismatch", "id 'somethingElse' must match the file name 'idMismatch'");
  }

  private static final String[] VALUES = {"null", "~", "[]", "{}", "-1", "0", "x", "true", "P0D", "[P-256, x]",
      "{from: nowhere}", "'\\u0000'", "99999999999999999999", "[[]]", "{a: {b: c}}"};

  /**
   * Each default profile edited line by line as an operator might (a line deleted or doubled, a value swapped for
   * another YAML value, an indentation changed): it loads, or it is refused with one line naming the file; never
   * another exception.
   */
  @Test
  void editedDefaultProfiles_loadOrAreRefusedInOneLine() throws Exception {
    java.util.Random random = new java.util.Random(8);
    java.util.List<String> problems = new java.util.ArrayList<>();
    for (String id : ProfileLoader.DEFAULT_PROFILE_IDS) {
      String source = id + ".yaml";
      String yaml;
      try (java.io.InputStream in = ProfileLoader.class.getResourceAsStream(source)) {
        yaml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      }
      java.util.List<String> lines = yaml.lines().toList();
      for (int i = 0; i < 60; i++) {
        java.util.List<String> edited = new java.util.ArrayList<>(lines);
        int at = random.nextInt(edited.size());
        String line = edited.get(at);
        String what;
        switch (random.nextInt(4)) {
          case 0 -> {
            edited.remove(at);
            what = "line " + (at + 1) + " deleted";
          }
          case 1 -> {
            edited.add(at, line);
            what = "line " + (at + 1) + " doubled";
          }
          case 2 -> {
            String value = VALUES[random.nextInt(VALUES.length)];
            int colon = line.indexOf(':');
            edited.set(at, colon < 0 ? "  - " + value : line.substring(0, colon + 1) + " " + value);
            what = "line " + (at + 1) + " value := " + value;
          }
          default -> {
            edited.set(at, random.nextBoolean() ? "  " + line : line.strip());
            what = "line " + (at + 1) + " indented differently";
          }
        }
        try {
          ProfileLoader.parse(source, String.join("\n", edited) + "\n");
        } catch (InvalidProfileException e) {
          if (!e.getMessage().startsWith(source + ": ") || e.getMessage().contains("\n")) {
            problems.add(source + ", " + what + ": not one line naming the file: " + e.getMessage());
          }
        } catch (RuntimeException e) {
          problems.add(source + ", " + what + ": " + e);
        }
      }
    }
    assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
  }
}
