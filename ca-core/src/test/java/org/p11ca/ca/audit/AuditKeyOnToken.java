package org.p11ca.ca.audit;

import java.math.BigInteger;
import java.security.PublicKey;
import java.util.Optional;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.EcCurve;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.ObjectId;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import org.p11ca.hsm.testing.SoftHsm;

/** A P-256 audit key (id a1) on a fresh SoftHSM2 token of its own, for the audit log's tests; close to log out. */
record AuditKeyOnToken(Token token, AuditSigner signer, PublicKey publicKey) implements AutoCloseable {

  static AuditKeyOnToken create(String tokenLabel) {
    SoftHsm.TestToken t = SoftHsm.createToken(tokenLabel);
    Token token = Pkcs11Library.open(t.config(Backend.IAIK));
    KeyHandle key = token.generateKeyPair(new KeyPairSpec.Ec(EcCurve.P256),
        KeyAttributes.persistent("audit", ObjectId.parseHex("a1"), KeyUsage.SIGN));
    return new AuditKeyOnToken(token, AuditSigner.of(token, key), token.publicKey(key));
  }

  /** The i-th of a run of CERT_REQUEST_PROCESSED events, as the seed's log shows them. */
  static AuditEvent event(int i) {
    return new AuditEvent.CertRequestProcessed("Signer Christina Fu", Outcome.SUCCESS, 80 + i,
        Optional.of(BigInteger.valueOf(40 + i)), Optional.empty());
  }

  @Override
  public void close() {
    token.close();
  }
}
