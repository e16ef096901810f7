package org.p11ca.ca.cmc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;

class DistinguishedNamesTest {

  @Test
  void rfc4514_mostSpecificRdnFirst_sameAnswerWhenRemembered() {
    X500Name name = new X500Name("C=US,O=Example,CN=Bob");
    assertEquals("CN=Bob,O=Example,C=US", DistinguishedNames.rfc4514(name));
    assertEquals("CN=Bob,O=Example,C=US", DistinguishedNames.rfc4514(new X500Name("C=US,O=Example,CN=Bob")));
  }

  @Test
  void rfc4514_namesBouncyCastleCallsEqual_stillReadAsEncoded() {
    X500Name upper = new X500Name("O=Example,CN=Bob");
    X500Name lower = new X500Name("O=Example,CN=bob");
    assertEquals(upper, lower, "BCStyle compares case-insensitively");
    assertEquals("CN=Bob,O=Example", DistinguishedNames.rfc4514(upper));
    assertEquals("CN=bob,O=Example", DistinguishedNames.rfc4514(lower));
    assertEquals("CN=Bob,O=Example", DistinguishedNames.rfc4514(upper));
  }

  @Test
  void rfc4514_manyDistinctNames_cacheStaysBounded() {
    for (int i = 0; i <= DistinguishedNames.CACHE_LIMIT + 10; i++) {
      assertEquals("CN=user" + i + ",O=Example", DistinguishedNames.rfc4514(new X500Name("O=Example,CN=user" + i)));
    }
    assertTrue(DistinguishedNames.cached() <= DistinguishedNames.CACHE_LIMIT);
  }
}
