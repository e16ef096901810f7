package org.p11ca.ca.cmc;

import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/** One OtherMsg of PKIData.otherMsgSequence (RFC 5272 section 3.2.1.5), kept raw. */
public record OtherMsg(int bodyPartId, ASN1ObjectIdentifier type, ASN1Encodable value) {
  public OtherMsg {
    Objects.requireNonNull(type);
    Objects.requireNonNull(value);
  }
}
