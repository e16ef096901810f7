package org.p11ca.server.config;

import java.util.Objects;

/** The CKA_LABELs of the server's keys on the token (the names scripts/softhsm-init.sh creates by default). */
public record KeyLabels(String caSigning, String audit, String tls, String popProtection, String kraStorage,
    String kraTransport, String sharedSecretProtection, String ocspSigning) {

  public static final String DEFAULT_CA_SIGNING = "ca-signing";
  public static final String DEFAULT_AUDIT = "audit-signing";
  public static final String DEFAULT_TLS = "tls-server";
  /** The AES key that encrypts EncryptedPOP challenges between the two rounds. */
  public static final String DEFAULT_POP_PROTECTION = "pop-protection";
  /** The AES key archived private keys are wrapped under, and unwrapped with again for recovery. */
  public static final String DEFAULT_KRA_STORAGE = "kra-storage";
  /** The RSA key subscribers encrypt archived keys' session keys to (its certificate is the transport cert). */
  public static final String DEFAULT_KRA_TRANSPORT = "kra-transport";
  /** The AES key shared secrets (identityProofV2, popLinkWitnessV2) are kept encrypted under. */
  public static final String DEFAULT_SHARED_SECRET_PROTECTION = "shared-secret-protection";
  /** The delegated OCSP responder's signing key (used with {@code ocsp.signer: delegated}). */
  public static final String DEFAULT_OCSP_SIGNING = "ocsp-signing";

  public KeyLabels {
    Objects.requireNonNull(caSigning);
    Objects.requireNonNull(audit);
    Objects.requireNonNull(tls);
    Objects.requireNonNull(popProtection);
    Objects.requireNonNull(kraStorage);
    Objects.requireNonNull(kraTransport);
    Objects.requireNonNull(sharedSecretProtection);
    Objects.requireNonNull(ocspSigning);
  }

  public static KeyLabels defaults() {
    return new KeyLabels(DEFAULT_CA_SIGNING, DEFAULT_AUDIT, DEFAULT_TLS, DEFAULT_POP_PROTECTION, DEFAULT_KRA_STORAGE,
        DEFAULT_KRA_TRANSPORT, DEFAULT_SHARED_SECRET_PROTECTION, DEFAULT_OCSP_SIGNING);
  }
}
