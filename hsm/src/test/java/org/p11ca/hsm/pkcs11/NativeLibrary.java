package org.p11ca.hsm.pkcs11;

import org.p11ca.hsm.Backend;
import org.p11ca.hsm.testing.SoftHsm;

/**
 * Disturbs a token the way another party would, below its session pool: session handles are process-wide in
 * PKCS#11, so closing one through the other backend's handle on the same library invalidates it for the pool.
 */
final class NativeLibrary {
  private NativeLibrary() {
  }

  static void closeSession(Backend poolBackend, long session) {
    Backend other = poolBackend == Backend.SUN ? Backend.IAIK : Backend.SUN;
    Pkcs11Library.load(SoftHsm.library(), other).binding().closeSession(session);
  }
}
