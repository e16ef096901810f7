package org.p11ca.hsm.pkcs11;

import java.util.Set;
import org.p11ca.hsm.Backend;

class SunTokenContractTest extends TokenContractTest {
  @Override
  Backend backend() {
    return Backend.SUN;
  }

  /** The JDK's wrapper has no C_SetPIN (nor C_InitToken, C_InitPIN). */
  @Override
  Set<Capability> unsupported() {
    return Set.of(Capability.CHANGE_PIN);
  }
}
