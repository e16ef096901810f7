package org.p11ca.client;

import java.security.SecureRandom;
import java.util.Optional;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.p11ca.ca.cmc.SharedSecretMacs;

/**
 * The shared-secret controls request adds, with their algorithms checked: identityProofV2 (RFC 5272 section 6.2.1)
 * and popLinkWitnessV2 (section 6.3.1). Made by {@link SharedSecretOptions#checked}, before any file is read.
 */
record SharedSecretControls(Optional<IdentityProof> identityProof, Optional<PopLink> popLink) {

  static final SharedSecretControls NONE = new SharedSecretControls(Optional.empty(), Optional.empty());

  boolean any() {
    return identityProof.isPresent() || popLink.isPresent();
  }

  /** identityProofV2: key = hash(secret || identification), witness = MAC(key, reqSequence). */
  record IdentityProof(SharedSecretAlgorithms.Named hash, SharedSecretAlgorithms.Named mac) {
    String describe() {
      return hash.name() + " / " + mac.name();
    }
  }

  /**
   * popLinkWitnessV2: witness = MAC(key, popLinkRandom). The key is Dogtag's hash(secret || identification) when
   * {@code keyGenHash} is given, else PBKDF2 over the secret (the RFC 6402 module's KeyDevAlgs) with a fresh salt.
   */
  record PopLink(Optional<SharedSecretAlgorithms.Named> keyGenHash, SharedSecretAlgorithms.Named mac) {

    /** RFC 8018 section 4.1 asks for at least 64 bits of salt; 128 is what NIST SP 800-132 recommends. */
    static final int PBKDF2_SALT_OCTETS = 16;
    /** Well inside what the CA accepts (SharedSecretMacs' bounds), and slow enough to make guessing costly. */
    static final int PBKDF2_ITERATIONS = 100_000;

    /** The keyGenAlgorithm to send; for PBKDF2 each call draws a new salt. */
    AlgorithmIdentifier keyGenAlgorithm(SecureRandom random) {
      if (keyGenHash.isPresent()) {
        return keyGenHash.get().id();
      }
      byte[] salt = new byte[PBKDF2_SALT_OCTETS];
      random.nextBytes(salt);
      return SharedSecretMacs.pbkdf2(salt, PBKDF2_ITERATIONS, SharedSecretAlgorithms.hashOf(mac));
    }

    String describe() {
      return keyGenHash.map(SharedSecretAlgorithms.Named::name).orElseGet(() -> "PBKDF2 (" + mac.name() + ", "
          + PBKDF2_ITERATIONS + " iterations, " + PBKDF2_SALT_OCTETS + "-octet salt)") + " / " + mac.name();
    }
  }
}
