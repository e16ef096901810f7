package org.p11ca.server;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.p11ca.ca.service.CmcService;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.Token;

/**
 * The KRA transport certificate, which subscribers encrypt archived keys to: the CA certifies its own token's
 * transport key at first start (profile caKraTransportCert), keeps the certificate on the token beside the key, and
 * publishes it as PEM in the data directory and over HTTPS. The key only decrypts and unwraps, so there is no CSR;
 * possession is the CA's own (CmcService.enrollOwnTokenKey).
 */
final class KraTransportCertificate {

  static final String PROFILE = "caKraTransportCert";
  static final String FILE = "kra-transport.pem";
  static final X500Name SUBJECT = new X500Name("CN=p11ca KRA Transport,O=p11ca");

  private KraTransportCertificate() {
  }

  /** The certificate on the token for {@code transportKey}, issued now if there is none; written to dataDir. */
  static X509Certificate ensure(Token token, KeyHandle transportKey, CmcService cmc, Path dataDir) {
    KeySelector selector = transportKey.id().map(KeySelector::id)
        .orElseGet(() -> KeySelector.label(transportKey.label().orElseThrow()));
    Optional<X509Certificate> existing = token.findCertificate(selector);
    X509Certificate cert;
    if (existing.isPresent()) {
      cert = existing.get();
    } else {
      SubjectPublicKeyInfo key = SubjectPublicKeyInfo.getInstance(token.publicKey(transportKey).getEncoded());
      X509CertificateHolder issued = cmc.enrollOwnTokenKey(key, SUBJECT, PROFILE, "p11ca-server").cert();
      cert = PemFiles.jca(issued, "KRA transport certificate");
      token.importCertificate(transportKey.label().orElse("kra-transport"), transportKey.id().orElseThrow(), cert);
    }
    PemFiles.publish(dataDir.resolve(FILE), cert, "KRA transport certificate");
    return cert;
  }

  static String pem(X509Certificate cert) {
    return PemFiles.encode(cert, "KRA transport certificate");
  }

  /** The token's transport key, if it has one. */
  static Optional<KeyHandle> key(Token token, String label) {
    return token.findKey(ObjectClass.PRIVATE_KEY, KeySelector.label(label));
  }
}
