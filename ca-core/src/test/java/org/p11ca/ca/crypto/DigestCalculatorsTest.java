package org.p11ca.ca.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.OperatorCreationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DigestCalculatorsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      // SHA-256, SHA-1, SHA-512 (the JDK has them): FIPS 180 "abc" vectors
      "2.16.840.1.101.3.4.2.1, ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "1.3.14.3.2.26, a9993e364706816aba3e25717850c26c9cd0d89d",
      "2.16.840.1.101.3.4.2.3, ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
          + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
      // RIPEMD-160 (the JDK lacks it; Bouncy Castle has it): the algorithm authors' "abc" vector
      "1.3.36.3.2.1, 8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"})
  void jdkFirst_digestsWithTheJdkOrElseBouncyCastle(String oid, String expectedHex) throws Exception {
    DigestCalculator calculator = DigestCalculators.jdkFirst()
        .get(new AlgorithmIdentifier(new ASN1ObjectIdentifier(oid)));
    try (OutputStream out = calculator.getOutputStream()) {
      out.write("abc".getBytes(StandardCharsets.US_ASCII));
    }
    assertEquals(expectedHex, HexFormat.of().formatHex(calculator.getDigest()));
  }

  @Test
  void jdkFirst_algorithmNeitherKnows_isRefused() {
    assertThrows(OperatorCreationException.class, () -> DigestCalculators.jdkFirst()
        .get(new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.3.4.5.6.7"))));
  }
}
