package org.p11ca.ca.repository;

/** Where a certificate row is in its life. */
public enum CertificateStatus {
  /** The serial is taken and what is about to be signed is stored; the token may or may not have signed yet. */
  RESERVED,
  /** Signed, verified and stored. */
  ISSUED,
  /** Revoked; stays revoked (a certificateHold release is not supported). */
  REVOKED
}
