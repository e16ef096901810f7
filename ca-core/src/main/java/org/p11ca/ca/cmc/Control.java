package org.p11ca.ca.cmc;

import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/**
 * One TaggedAttribute of a controlSequence (RFC 5272 section 3.2.1.2): kept raw, whatever its type, so unknown
 * controls survive; {@link PkiData} decodes the ones the CA uses.
 */
public record Control(int bodyPartId, ASN1ObjectIdentifier type, List<ASN1Encodable> values) {

  public Control {
    Objects.requireNonNull(type);
    values = List.copyOf(values);
  }

  /** The one value of a single-valued control; every control RFC 5272 defines has exactly one. */
  ASN1Encodable singleValue(String name) {
    if (values.size() != 1) {
      throw new CaException(FailInfo.BAD_REQUEST,
          "control " + name + " (bodyPartID " + bodyPartId + ") has " + values.size() + " values, not 1");
    }
    return values.get(0);
  }
}
