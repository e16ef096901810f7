package org.p11ca.client;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.p11ca.ca.cmc.SharedSecretMacs;

/**
 * A popLinkWitnessV2 (RFC 5272 section 6.3.1.1) and the popLinkRandom R it MACs. R goes in a PKIData control; the
 * witness, PopLinkWitnessV2 ::= SEQUENCE { keyGenAlgorithm, macAlgorithm, witness OCTET STRING }, goes inside the
 * certification request, where the request's own signature covers it: that signature is what binds the key holder
 * to the holder of the shared secret.
 */
record PopLinkWitness(byte[] random, ASN1Encodable value) {

  /** R's length, as Dogtag's CMCRequest draws it. */
  static final int RANDOM_OCTETS = 64;

  PopLinkWitness {
    random = random.clone();
  }

  @Override
  public byte[] random() {
    return random.clone();
  }

  static PopLinkWitness compute(SharedSecretControls.PopLink algorithms, SharedSecret secret,
      String identification, SecureRandom rng) {
    byte[] r = new byte[RANDOM_OCTETS];
    rng.nextBytes(r);
    AlgorithmIdentifier keyGen = algorithms.keyGenAlgorithm(rng);
    AlgorithmIdentifier mac = algorithms.mac().id();
    byte[] key = SharedSecretMacs.popLinkKey(keyGen, mac, secret.revealUtf8(), Optional.of(identification));
    try {
      byte[] witness = SharedSecretMacs.mac(mac, key, r, "popLinkWitnessV2 macAlgorithm");
      return new PopLinkWitness(r, new DERSequence(new ASN1Encodable[] {keyGen, mac, new DEROctetString(witness)}));
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }
}
