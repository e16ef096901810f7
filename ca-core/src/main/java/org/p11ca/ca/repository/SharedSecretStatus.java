package org.p11ca.ca.repository;

/** Where a shared secret stands; see schema 5. Expiry is not a status: it is read from the expiry time. */
public enum SharedSecretStatus {
  ACTIVE,
  USED,
  REVOKED,
  REPLACED,
  LOCKED
}
