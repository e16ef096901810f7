package org.p11ca.ca.kra;

import java.util.Objects;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.p11ca.hsm.WrappedKey;

/**
 * A subscriber's private key in the KRA's keeping: wrapped on the token under the storage key, with the mechanism
 * needed to unwrap it again, and the public key it was checked against.
 */
public record ArchivedKey(WrappedKey wrapped, String storageKey, SubjectPublicKeyInfo publicKey) {
  public ArchivedKey {
    Objects.requireNonNull(wrapped);
    Objects.requireNonNull(storageKey);
    Objects.requireNonNull(publicKey);
  }
}
