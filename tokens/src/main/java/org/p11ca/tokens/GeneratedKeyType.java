package org.p11ca.tokens;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.p11ca.hsm.EcCurve;
import org.p11ca.hsm.KeyPairSpec;

/** The key types generate-key offers: the RSA sizes and curves a CA may use, and AES for key storage. */
enum GeneratedKeyType {
  RSA2048("rsa2048", new KeyPairSpec.Rsa(2048), 0),
  RSA3072("rsa3072", new KeyPairSpec.Rsa(3072), 0),
  RSA4096("rsa4096", new KeyPairSpec.Rsa(4096), 0),
  EC_P256("ec-p256", new KeyPairSpec.Ec(EcCurve.P256), 0),
  EC_P384("ec-p384", new KeyPairSpec.Ec(EcCurve.P384), 0),
  AES128("aes128", null, 128),
  AES256("aes256", null, 256);

  private final String cliName;
  private final KeyPairSpec pairSpec;
  private final int aesBits;

  GeneratedKeyType(String cliName, KeyPairSpec pairSpec, int aesBits) {
    this.cliName = cliName;
    this.pairSpec = pairSpec;
    this.aesBits = aesBits;
  }

  String cliName() {
    return cliName;
  }

  /** The key pair to generate; empty for AES. */
  Optional<KeyPairSpec> pairSpec() {
    return Optional.ofNullable(pairSpec);
  }

  /** The AES key length; 0 for key pairs. */
  int aesBits() {
    return aesBits;
  }

  boolean isRsa() {
    return pairSpec instanceof KeyPairSpec.Rsa;
  }

  boolean isAes() {
    return pairSpec == null;
  }

  static String names() {
    return Arrays.stream(values()).map(GeneratedKeyType::cliName).collect(Collectors.joining(", "));
  }

  static GeneratedKeyType parse(String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(t -> t.cliName.equals(wanted)).findFirst().orElseThrow(
        () -> new UsageException("unknown key type '" + text + "': use one of " + names()));
  }

  @Override
  public String toString() {
    return cliName;
  }
}
