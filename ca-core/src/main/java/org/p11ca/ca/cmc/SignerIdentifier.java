package org.p11ca.ca.cmc;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * The SignerIdentifier of a SignerInfo (RFC 5652 section 5.3). Agent- and user-signed CMC requests name a
 * certificate by issuer and serial; self-signed ones (RFC 5272 section 3.2.1.3.2) name the request's own key by
 * its subject key identifier.
 */
public sealed interface SignerIdentifier {

  record IssuerAndSerial(X500Name issuer, BigInteger serial) implements SignerIdentifier {
    public IssuerAndSerial {
      Objects.requireNonNull(issuer);
      Objects.requireNonNull(serial);
    }
  }

  record SubjectKeyId(byte[] keyId) implements SignerIdentifier {
    public SubjectKeyId {
      keyId = keyId.clone();
    }

    @Override
    public byte[] keyId() {
      return keyId.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SubjectKeyId other && java.util.Arrays.equals(keyId, other.keyId);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(keyId);
    }

    @Override
    public String toString() {
      return "SubjectKeyId[" + HexFormat.of().formatHex(keyId) + "]";
    }
  }
}
