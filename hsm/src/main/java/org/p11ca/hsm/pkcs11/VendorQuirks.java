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
   * SoftHSM 2.6.1 answers bad input to single-part calls (RSA padding, an AES-GCM tag, an RFC 5649 integrity check,
   * RSA plaintext too long) with CKR_GENERAL_ERROR after ending the operation, so the session is still usable. It is
   * kept: closing it would destroy the session objects it created (the transport session key of an archival run,
   * say) because of one bad request.
   */
  boolean generalErrorLeavesSessionUsable(long code) {
    return softHsm && code == Pkcs11Constants.CKR_GENERAL_ERROR;
  }

  /**
   * SoftHSM 2.6.1 leaves CKA_VALUE_LEN 0 on secret keys made by C_UnwrapKey (it stores CKA_VALUE without updating
   * the length), so such a handle reports size 0, "unknown".
   */
  boolean reportsUnwrappedSecretKeyLength() {
    return !softHsm;
  }

  /**
   * SoftHSM 2.6.1's C_WrapKey zero-fills the key data to a multiple of 8 bytes before CKM_AES_KEY_WRAP_PAD too (the
   * RFC 3394 rule applied to RFC 5649), so the wrapped length indicator counts the zeros: a PKCS#8 private key comes
   * back from another unwrapper with trailing zero bytes after its DER (SoftHSM's own unwrap ignores them; 2.7.0
   * pads only for CKM_AES_KEY_WRAP). AES keys are whole multiples of 8 and unaffected.
   */
  boolean kwpWrapZeroPadsKeyData() {
    return softHsm;
  }

  /** For the message of an OAEP refusal: what SoftHSM 2.6.1 (and 2.7.0) can do instead. */
  String oaepHashNote() {
    return softHsm ? "; SoftHSM does RSA-OAEP only with SHA-1 and MGF1-SHA1" : "";
  }

  /**
   * SoftHSM 2.6.1 lists CKM_AES_CBC_PAD (for encryption) but its C_UnwrapKey takes only CKM_AES_KEY_WRAP,
   * CKM_AES_KEY_WRAP_PAD, CKM_RSA_PKCS and CKM_RSA_PKCS_OAEP and answers CKR_MECHANISM_INVALID to the rest; 2.7.0
   * adds CKM_AES_CBC_PAD. The token's answer decides (no version is checked), this only explains it.
   */
  String unwrapMechanismsNote() {
    return softHsm ? "; SoftHSM 2.6 unwraps only with AES key wrap (RFC 3394, RFC 5649) and RSA" : "";
  }

  /**
   * SoftHSM 2.6.1 returns CKR_GENERAL_ERROR, not CKR_ENCRYPTED_DATA_INVALID, when RSA padding or an AES-GCM tag
   * does not verify, so on SoftHSM that code from a decryption is the caller's bad data, not a failing device.
   */
  boolean decryptionFailureIsGeneralError(long code) {
    return softHsm && code == Pkcs11Constants.CKR_GENERAL_ERROR;
  }
}
