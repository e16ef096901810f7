package org.p11ca.hsm.pkcs11;

import org.p11ca.hsm.TokenInfo;

/**
 * Where a token's behaviour departs from PKCS#11 and the core must compensate. Each quirk names the token and
 * version it was seen on; add new ones here, not at the call sites.
 */
final class VendorQuirks {

  private final boolean softHsm;

  VendorQuirks(TokenInfo info) {
    this.softHsm = info.manufacturer().startsWith("SoftHSM");
  }

  /** Every CKF_ bit PKCS#11 3.0 defines for CK_MECHANISM_INFO. */
  private static final long DEFINED_MECHANISM_FLAGS = 0x1L | 0x000FFF00L | 0x03F00000L | 0x80000000L;

  /**
   * SoftHSM 2.6.1 leaves CK_MECHANISM_INFO.flags of CKM_AES_CBC_PAD uninitialized (seen: 0x7f8620fdbb78, a
   * different value every run), so a flag test could claim CKF_WRAP, which SoftHSM then refuses. Flags with
   * undefined bits set are garbage: trust none of them, except on SoftHSM what its source sets (encrypt, decrypt).
   */
  long mechanismFlags(long rawFlags) {
    if ((rawFlags & ~DEFINED_MECHANISM_FLAGS) == 0) {
      return rawFlags;
    }
    return softHsm ? Pkcs11Constants.CKF_ENCRYPT | Pkcs11Constants.CKF_DECRYPT : 0L;
  }

  /**
   * SoftHSM 2.6.1 implements RSA-OAEP with SHA-1 and MGF1-SHA1 only, and answers any other hash with
   * CKR_ARGUMENTS_BAD rather than CKR_MECHANISM_PARAM_INVALID.
   */
  boolean oaepHashRefusedAsBadArguments(long code) {
    return softHsm && code == Pkcs11Constants.CKR_ARGUMENTS_BAD;
  }

  /**
   * SoftHSM 2.6.1 returns CKR_GENERAL_ERROR, not CKR_ENCRYPTED_DATA_INVALID, when RSA padding or an AES-GCM tag
   * does not verify, so on SoftHSM that code from a decryption is the caller's bad data, not a failing device.
   */
  boolean decryptionFailureIsGeneralError(long code) {
    return softHsm && code == Pkcs11Constants.CKR_GENERAL_ERROR;
  }
}
