package org.p11ca.client;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * The transactionId Dogtag's CMCRequest sends (RFC 5272 section 6.6 leaves the value to the client): the positive
 * INTEGER of MD5 over the request's subjectPublicKey BIT STRING contents (shared/fixtures/dogtag/README.md). Not a
 * security value, only an id the CA echoes; deriving it from the key makes a retried request keep its id.
 */
final class DogtagTransactionId {
  private DogtagTransactionId() {
  }

  static BigInteger of(SubjectPublicKeyInfo key) {
    try {
      return new BigInteger(1, MessageDigest.getInstance("MD5").digest(key.getPublicKeyData().getBytes()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 unavailable", e);
    }
  }
}
