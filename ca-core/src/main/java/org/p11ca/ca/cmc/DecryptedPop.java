package org.p11ca.ca.cmc;

import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * The decryptedPOP control (RFC 5272 section 6.7): the client's answer to an encryptedPOP challenge for the
 * request {@code bodyPartId}.
 */
public record DecryptedPop(int bodyPartId, AlgorithmIdentifier popAlgorithm, byte[] pop) {

  public DecryptedPop {
    Objects.requireNonNull(popAlgorithm);
    pop = pop.clone();
  }

  @Override
  public byte[] pop() {
    return pop.clone();
  }

  static DecryptedPop decode(ASN1Encodable value) {
    return Asn1Decoding.decode("decryptedPOP", () -> {
      ASN1Sequence s = ASN1Sequence.getInstance(value);
      if (s.size() != 3) {
        throw new IllegalArgumentException("expected 3 fields, got " + s.size());
      }
      return new DecryptedPop(BodyPartIds.of(s.getObjectAt(0)), AlgorithmIdentifier.getInstance(s.getObjectAt(1)),
          ASN1OctetString.getInstance(s.getObjectAt(2)).getOctets());
    });
  }
}
