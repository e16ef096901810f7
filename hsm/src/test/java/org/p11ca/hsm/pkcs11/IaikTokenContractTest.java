package org.p11ca.hsm.pkcs11;

import java.util.Set;
import org.p11ca.hsm.Backend;

class IaikTokenContractTest extends TokenContractTest {
  @Override
  Backend backend() {
    return Backend.IAIK;
  }

  /** The IAIK wrapper is not a JCA provider, so it cannot hand Jetty a KeyStore. */
  @Override
  Set<Capability> unsupported() {
    return Set.of(Capability.JCA_KEYSTORE);
  }
}
