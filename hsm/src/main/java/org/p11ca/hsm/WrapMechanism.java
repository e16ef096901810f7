package org.p11ca.hsm;

/** How one key is wrapped under another (C_WrapKey / C_UnwrapKey). */
public sealed interface WrapMechanism {

  /** Under an RSA key: the session keys of CMS and CRMF archival. */
  record Rsa(RsaPadding padding) implements WrapMechanism {
  }

  /** AES Key Wrap with Padding, RFC 5649 (CKM_AES_KEY_WRAP_PAD). */
  record AesKeyWrapPad() implements WrapMechanism {
  }

  /** AES Key Wrap, RFC 3394 (CKM_AES_KEY_WRAP): input must be a multiple of 8 bytes. */
  record AesKeyWrap() implements WrapMechanism {
  }

  /** AES-CBC with PKCS#7 padding (CKM_AES_CBC_PAD): for tokens without RFC 5649. */
  record AesCbcPad(byte[] iv) implements WrapMechanism {
    public AesCbcPad {
      iv = SymmetricCipher.aesBlockIv(iv);
    }

    @Override
    public byte[] iv() {
      return iv.clone();
    }
  }
}
