package org.p11ca.client;

import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.p11ca.ca.cmc.SharedSecretMacs;

/**
 * The hashes and HMACs of the shared-secret controls, by the names Dogtag's CMCRequest uses (SHA-256,
 * SHA-256-HMAC). The AlgorithmIdentifiers come from ca-core's {@link SharedSecretMacs}, so the client encodes
 * exactly what the CA checks; this class only adds the names printed for them.
 */
final class SharedSecretAlgorithms {
  private SharedSecretAlgorithms() {
  }

  /** An algorithm with the name it is printed by. */
  record Named(String name, AlgorithmIdentifier id) {
  }

  /** The SHA-2 name of an identifier SharedSecretMacs made, which it always knows. */
  private static String shaName(AlgorithmIdentifier id) {
    return SharedSecretMacs.shaName(id).orElseThrow(() -> new IllegalStateException(
        "SharedSecretMacs named an unknown algorithm " + id.getAlgorithm()));
  }

  /** SHA-256, SHA-384 or SHA-512. {@code option} names where the text came from, for the message. */
  static Named hash(String text, String option) {
    try {
      AlgorithmIdentifier id = SharedSecretMacs.digestAlgorithm(text);
      return new Named(shaName(id), id);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }

  /** SHA-256-HMAC, SHA-384-HMAC or SHA-512-HMAC, printed as hmacWithSHA256 etc. (RFC 8018's names). */
  static Named mac(String text, String option) {
    try {
      AlgorithmIdentifier id = SharedSecretMacs.macAlgorithm(text);
      return new Named("hmacWith" + shaName(id).replace("-", ""), id);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }

  /** The hash inside an HMAC, e.g. SHA-256 for hmacWithSHA256: the PRF PBKDF2 runs with. */
  static String hashOf(Named mac) {
    return shaName(mac.id());
  }
}
