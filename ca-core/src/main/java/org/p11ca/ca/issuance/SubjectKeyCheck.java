package org.p11ca.ca.issuance;

import java.io.IOException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.profile.KeyConstraints;
import org.p11ca.ca.profile.NamedCurve;
import org.p11ca.ca.profile.Profile;

/** Refuses a subject public key the profile does not accept, before anything is signed. */
final class SubjectKeyCheck {

  private SubjectKeyCheck() {
  }

  static void require(Profile profile, SubjectPublicKeyInfo spki) {
    KeyConstraints keys = profile.keys();
    ASN1ObjectIdentifier algorithm = spki.getAlgorithm().getAlgorithm();
    if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
      int minBits = keys.rsaMinBits().orElseThrow(() ->
          new CaException(FailInfo.BAD_ALG, "profile " + profile.id() + " does not accept RSA keys"));
      int bits = rsaModulusBits(spki);
      if (bits < minBits) {
        throw new CaException(FailInfo.BAD_REQUEST,
            "RSA key of " + bits + " bits is below the profile's minimum " + minBits);
      }
    } else if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
      // RFC 5480 2.1.1: subscriber keys name their curve; implicitCA and specifiedCurve MUST NOT be used.
      ASN1Encodable params = spki.getAlgorithm().getParameters();
      if (!(params instanceof ASN1ObjectIdentifier curveOid)) {
        throw new CaException(FailInfo.BAD_ALG, "EC key without a named curve (RFC 5480 2.1.1)");
      }
      boolean accepted = NamedCurve.ofOid(curveOid).filter(keys.ecCurves()::contains).isPresent();
      if (!accepted) {
        String name = ECNamedCurveTable.getName(curveOid);
        throw new CaException(FailInfo.BAD_ALG, "EC curve " + (name != null ? name : curveOid.getId())
            + " is not accepted by profile " + profile.id() + " (accepted: " + keys.ecCurves() + ")");
      }
    } else {
      throw new CaException(FailInfo.BAD_ALG, "key algorithm " + algorithm.getId() + " is not accepted by profile "
          + profile.id());
    }
  }

  private static int rsaModulusBits(SubjectPublicKeyInfo spki) {
    try {
      return RSAPublicKey.getInstance(spki.parsePublicKey()).getModulus().bitLength();
    } catch (IOException | IllegalArgumentException e) {
      throw new CaException(FailInfo.BAD_REQUEST, "the RSA public key is not a valid RSAPublicKey (RFC 8017 A.1.1)",
          e);
    }
  }
}
