package org.p11ca.ca.cmc;

import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/**
 * BodyPartID ::= INTEGER(0..4294967295) (RFC 5272 section 3.2.1). The models carry it as an int, so ids above
 * 2^31-1 are refused; every client seen (Dogtag numbers from 1) stays far below.
 */
final class BodyPartIds {

  private static final BigInteger MAX = BigInteger.valueOf(Integer.MAX_VALUE);

  private BodyPartIds() {
  }

  static int of(ASN1Encodable value) {
    BigInteger v = ASN1Integer.getInstance(value).getValue();
    if (v.signum() < 0 || v.compareTo(MAX) > 0) {
      throw new CaException(FailInfo.BAD_REQUEST, "bodyPartID " + v + " is outside 0.." + MAX);
    }
    return v.intValueExact();
  }

  static ASN1Integer encode(int bodyPartId) {
    if (bodyPartId < 0) {
      throw new IllegalArgumentException("bodyPartID must not be negative: " + bodyPartId);
    }
    return new ASN1Integer(bodyPartId);
  }
}
