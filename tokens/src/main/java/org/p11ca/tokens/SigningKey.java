package org.p11ca.tokens;

import java.util.Optional;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;

/** A private key on the token and the signature algorithm to use with it, checked to fit each other. */
record SigningKey(String label, KeyHandle key, SignatureAlgorithm algorithm) {

  /**
   * Finds the private key by label; without an explicit algorithm, picks the usual one for the key: SHA256withRSA,
   * SHA256withECDSA on P-256, SHA384withECDSA on P-384 (matching the curve's strength).
   */
  static SigningKey find(Token token, String label, Optional<SignatureAlgorithm> requested) {
    KeyHandle key = token.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label(label));
    SignatureAlgorithm algorithm = requested.orElseGet(() -> SignatureAlgorithm.defaultFor(key));
    if (algorithm.keyType() != key.keyType()) {
      throw new UsageException("signature algorithm " + algorithm.jcaName() + " does not fit "
          + ObjectClassNames.of(key.keyType()) + " key '" + label + "'");
    }
    return new SigningKey(label, key, algorithm);
  }
}
