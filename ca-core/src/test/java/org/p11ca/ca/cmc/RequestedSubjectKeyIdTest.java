package org.p11ca.ca.cmc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.HexFormat;
import org.bouncycastle.asn1.DEROctetString;
import org.junit.jupiter.api.Test;

/** The requested SKI is read in RFC 5280's form and in the raw form CRMFPopClient -y writes. */
class RequestedSubjectKeyIdTest {

  private static final byte[] KEY_ID = HexFormat.of().parseHex("712f9cafc3a4b2a22b0056c40c0363f300f0541b");

  @Test
  void standardOrRaw_standardOctetString_unwrapsKeyId() throws Exception {
    assertArrayEquals(KEY_ID, RequestedSubjectKeyId.standardOrRaw(new DEROctetString(KEY_ID).getEncoded()));
  }

  @Test
  void standardOrRaw_rawDogtagBytes_returnedAsIs() {
    assertArrayEquals(KEY_ID, RequestedSubjectKeyId.standardOrRaw(KEY_ID));
  }

  @Test
  void standardOrRaw_octetStringTagWithWrongLength_treatedAsRaw() {
    byte[] raw = KEY_ID.clone();
    raw[0] = 0x04;
    raw[1] = 0x05;
    assertArrayEquals(raw, RequestedSubjectKeyId.standardOrRaw(raw));
  }
}
