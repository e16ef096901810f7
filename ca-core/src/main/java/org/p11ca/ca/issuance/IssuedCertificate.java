package org.p11ca.ca.issuance;

import java.math.BigInteger;
import java.util.Objects;
import org.bouncycastle.cert.X509CertificateHolder;

/** A certificate signed on the token and verified with the CA public key. */
public record IssuedCertificate(X509CertificateHolder cert, BigInteger serial) {
  public IssuedCertificate {
    Objects.requireNonNull(cert);
    Objects.requireNonNull(serial);
  }
}
