package org.p11ca.hsm.pkcs11;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.p11ca.hsm.HashAlgorithm;

/** The encodings around raw token signatures: DigestInfo for PKCS#1 v1.5 input, DER for ECDSA output. */
final class SignatureEncoding {
  private SignatureEncoding() {
  }

  /** RFC 8017 section 9.2 step 2: CKM_RSA_PKCS signs exactly this DER. */
  static byte[] digestInfo(HashAlgorithm hash, byte[] digest) {
    try {
      return new DigestInfo(new AlgorithmIdentifier(new ASN1ObjectIdentifier(hash.oid()), DERNull.INSTANCE), digest)
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode DigestInfo", e);
    }
  }

  /** PKCS#11 CKM_ECDSA returns r || s; X.509 and CMS carry Ecdsa-Sig-Value (RFC 5480 section 2.2... RFC 3279). */
  static byte[] ecdsaToDer(byte[] rawSignature) {
    if (rawSignature.length == 0 || rawSignature.length % 2 != 0) {
      throw new IllegalArgumentException("ECDSA signature of odd length " + rawSignature.length);
    }
    int half = rawSignature.length / 2;
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(rawSignature, 0, half));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(rawSignature, half, rawSignature.length));
    ASN1EncodableVector v = new ASN1EncodableVector();
    v.add(new ASN1Integer(r));
    v.add(new ASN1Integer(s));
    try {
      return new DERSequence(v).getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode ECDSA signature", e);
    }
  }
}
