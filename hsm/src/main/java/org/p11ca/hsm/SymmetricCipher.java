package org.p11ca.hsm;

/** AES modes for encrypting and decrypting data with a token secret key. */
public sealed interface SymmetricCipher {

  /** AES-CBC with PKCS#7 padding (CKM_AES_CBC_PAD); the IV must be 16 unpredictable bytes. */
  record AesCbcPad(byte[] iv) implements SymmetricCipher {
    public AesCbcPad {
      iv = aesBlockIv(iv);
    }

    @Override
    public byte[] iv() {
      return iv.clone();
    }
  }

  /**
   * AES-CBC without padding (CKM_AES_CBC): input must be a whole number of 16-byte blocks, and is refused with
   * INVALID_INPUT otherwise. For peers that decrypt without unpadding (Dogtag's EncryptedPOP client); the IV must be
   * 16 unpredictable bytes.
   */
  record AesCbc(byte[] iv) implements SymmetricCipher {
    public AesCbc {
      iv = aesBlockIv(iv);
    }

    @Override
    public byte[] iv() {
      return iv.clone();
    }
  }

  /** A copy of an IV that must be one AES block, as CBC needs. */
  static byte[] aesBlockIv(byte[] iv) {
    if (iv.length != 16) {
      throw new IllegalArgumentException("AES-CBC needs a 16-byte IV, not " + iv.length);
    }
    return iv.clone();
  }

  /** AES-GCM (CKM_AES_GCM); the IV must never repeat under one key. Output is ciphertext followed by the tag. */
  record AesGcm(byte[] iv, byte[] aad, int tagBits) implements SymmetricCipher {
    public AesGcm {
      if (iv.length < 12) {
        throw new IllegalArgumentException("AES-GCM needs an IV of at least 12 bytes");
      }
      if (tagBits != 128 && tagBits != 120 && tagBits != 112 && tagBits != 104 && tagBits != 96) {
        throw new IllegalArgumentException("AES-GCM tag must be 96..128 bits");
      }
      iv = iv.clone();
      aad = aad.clone();
    }

    @Override
    public byte[] iv() {
      return iv.clone();
    }

    @Override
    public byte[] aad() {
      return aad.clone();
    }
  }
}
