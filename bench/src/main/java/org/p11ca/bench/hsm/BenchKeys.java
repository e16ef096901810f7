package org.p11ca.bench.hsm;

import java.util.Optional;
import java.util.Set;
import org.p11ca.hsm.EcCurve;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.Token;

/**
 * The keys every backend is measured with, as one token's handles. They are generated once, as persistent labelled
 * objects, so that each backend's Token finds the very same keys by label (handles belong to the Token that issued
 * them). The transport key is separate from the signing keys, as a CA's KRA transport key is.
 */
record BenchKeys(
    KeyHandle rsa2048Signing,
    KeyHandle rsa3072Signing,
    KeyHandle p256Signing,
    KeyHandle p384Signing,
    KeyHandle rsa2048Transport,
    KeyHandle aes256) {

  static final String RSA2048_SIGNING = "bench-rsa2048-sign";
  static final String RSA3072_SIGNING = "bench-rsa3072-sign";
  static final String P256_SIGNING = "bench-p256-sign";
  static final String P384_SIGNING = "bench-p384-sign";
  static final String RSA2048_TRANSPORT = "bench-rsa2048-transport";
  static final String AES256 = "bench-aes256";

  static void generate(Token token) {
    token.generateKeyPair(new KeyPairSpec.Rsa(2048), persistent(RSA2048_SIGNING, KeyUsage.SIGN));
    token.generateKeyPair(new KeyPairSpec.Rsa(3072), persistent(RSA3072_SIGNING, KeyUsage.SIGN));
    token.generateKeyPair(new KeyPairSpec.Ec(EcCurve.P256), persistent(P256_SIGNING, KeyUsage.SIGN));
    token.generateKeyPair(new KeyPairSpec.Ec(EcCurve.P384), persistent(P384_SIGNING, KeyUsage.SIGN));
    token.generateKeyPair(new KeyPairSpec.Rsa(2048),
        persistent(RSA2048_TRANSPORT, KeyUsage.DECRYPT, KeyUsage.UNWRAP));
    token.generateAesKey(256, persistent(AES256, KeyUsage.ENCRYPT, KeyUsage.DECRYPT));
  }

  static BenchKeys find(Token token) {
    return new BenchKeys(
        privateKey(token, RSA2048_SIGNING),
        privateKey(token, RSA3072_SIGNING),
        privateKey(token, P256_SIGNING),
        privateKey(token, P384_SIGNING),
        privateKey(token, RSA2048_TRANSPORT),
        token.requireKey(ObjectClass.SECRET_KEY, KeySelector.label(AES256)));
  }

  private static KeyHandle privateKey(Token token, String label) {
    return token.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label(label));
  }

  /** Labelled, with no CKA_ID given, so key pairs get the RFC 5280 key identifier as a CA key would. */
  private static KeyAttributes persistent(String label, KeyUsage... usages) {
    return new KeyAttributes(Optional.of(label), Optional.empty(), Set.of(usages), true, false);
  }
}
