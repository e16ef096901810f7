package org.p11ca.bench;

import java.util.Locale;
import org.p11ca.hsm.EcCurve;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.SignatureAlgorithm;

/**
 * The CA signing key a run measures (`bench cmc`, `bench ocsp`): RSA-2048 (the CA's usual key, the token-bound case)
 * or EC P-256.
 */
public enum CaKeyType {
  RSA2048("rsa2048", new KeyPairSpec.Rsa(2048), SignatureAlgorithm.RSA_PKCS1_SHA256, "sign-rsa2048-pkcs1-sha256"),
  P256("p256", new KeyPairSpec.Ec(EcCurve.P256), SignatureAlgorithm.ECDSA_SHA256, "sign-ecdsa-p256-sha256");

  private final String optionName;
  private final KeyPairSpec spec;
  private final SignatureAlgorithm algorithm;
  private final String rawOperation;

  CaKeyType(String optionName, KeyPairSpec spec, SignatureAlgorithm algorithm, String rawOperation) {
    this.optionName = optionName;
    this.spec = spec;
    this.algorithm = algorithm;
    this.rawOperation = rawOperation;
  }

  public String optionName() {
    return optionName;
  }

  public KeyPairSpec spec() {
    return spec;
  }

  /** What the server signs with: {@link SignatureAlgorithm#defaultFor} of this key, as CaInstance chooses it. */
  public SignatureAlgorithm algorithm() {
    return algorithm;
  }

  /** The `op=` of the raw sign line, named as `bench hsm` names the same operation. */
  public String rawOperation() {
    return rawOperation;
  }

  public static CaKeyType parse(String value) {
    return parse("--ca-key", value);
  }

  /** @param option the option being read, for the message when {@code value} is neither type */
  public static CaKeyType parse(String option, String value) {
    for (CaKeyType t : values()) {
      if (t.optionName.equals(value.toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    throw new IllegalArgumentException(option + " takes rsa2048 or p256, not '" + value + "'");
  }
}
