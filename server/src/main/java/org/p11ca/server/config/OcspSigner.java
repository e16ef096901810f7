package org.p11ca.server.config;

/** Which key signs OCSP responses ({@code ocsp.signer}). */
public enum OcspSigner {
  /** The CA key: always authorized (RFC 6960 4.2.2.2), nothing to renew. */
  CA,
  /**
   * The token's {@code keys.ocspSigning} key, with an id-kp-OCSPSigning certificate the server issues itself
   * (profile caOCSPCert) and renews: the CA key then signs only certificates, CRLs and CMC responses.
   */
  DELEGATED
}
