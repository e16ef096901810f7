package org.p11ca.ca.cmc;

import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * PopLinkWitnessV2 (RFC 5272 section 6.3.1.1): witness = MAC(key derived from the shared secret, popLinkRandom).
 * It travels inside the certification request (CRMF control or PKCS#10 attribute) so the request's own
 * signature covers it.
 */
public record PopLinkWitnessV2(AlgorithmIdentifier keyGenAlgorithm, AlgorithmIdentifier macAlgorithm,
    byte[] witness) {

  public PopLinkWitnessV2 {
    Objects.requireNonNull(keyGenAlgorithm);
    Objects.requireNonNull(macAlgorithm);
    witness = witness.clone();
  }

  @Override
  public byte[] witness() {
    return witness.clone();
  }

  static PopLinkWitnessV2 decode(ASN1Encodable value) {
    return Asn1Decoding.decode("popLinkWitnessV2", () -> {
      ASN1Sequence s = ASN1Sequence.getInstance(value);
      if (s.size() != 3) {
        throw new IllegalArgumentException("expected 3 fields, got " + s.size());
      }
      return new PopLinkWitnessV2(AlgorithmIdentifier.getInstance(s.getObjectAt(0)),
          AlgorithmIdentifier.getInstance(s.getObjectAt(1)), ASN1OctetString.getInstance(s.getObjectAt(2)).getOctets());
    });
  }
}
