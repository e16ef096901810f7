package org.p11ca.ca.cmc;

import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * The identityProofV2 control (RFC 5272 section 6.2.1): witness = MAC(key derived with proofAlgorithm from the
 * shared secret, the reqSequence DER). Checking it is the proof package's job.
 */
public record IdentityProofV2(AlgorithmIdentifier proofAlgorithm, AlgorithmIdentifier macAlgorithm, byte[] witness) {

  public IdentityProofV2 {
    Objects.requireNonNull(proofAlgorithm);
    Objects.requireNonNull(macAlgorithm);
    witness = witness.clone();
  }

  @Override
  public byte[] witness() {
    return witness.clone();
  }

  static IdentityProofV2 decode(ASN1Encodable value) {
    return Asn1Decoding.decode("identityProofV2", () -> {
      ASN1Sequence s = ASN1Sequence.getInstance(value);
      if (s.size() != 3) {
        throw new IllegalArgumentException("expected 3 fields, got " + s.size());
      }
      return new IdentityProofV2(AlgorithmIdentifier.getInstance(s.getObjectAt(0)),
          AlgorithmIdentifier.getInstance(s.getObjectAt(1)), ASN1OctetString.getInstance(s.getObjectAt(2)).getOctets());
    });
  }
}
