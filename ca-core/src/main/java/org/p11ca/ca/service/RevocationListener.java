package org.p11ca.ca.service;

import java.math.BigInteger;

/** Told after a revocation is durable, e.g. so the CRL is regenerated soon. Must not block or throw. */
@FunctionalInterface
public interface RevocationListener {
  void revoked(BigInteger serial);
}
