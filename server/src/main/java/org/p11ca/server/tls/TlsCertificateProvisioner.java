package org.p11ca.server.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.ObjectId;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.bc.TokenContentSigner;

/**
 * Makes sure the TLS key on the token has a certificate, because the SunPKCS11 KeyStore only shows a private key
 * that has one. If there is none, the server asks its own CA for one at start-up: a PKCS#10 for the TLS key, signed
 * on the token (so the CA's proof-of-possession check holds), issued through the {@value #PROFILE} profile, and
 * imported on the token under the key's label and CKA_ID.
 */
public final class TlsCertificateProvisioner {

  /** The TLS server profile; it copies the request's subjectAltName and requires a dNSName (RFC 6125 6.4). */
  public static final String PROFILE = "caServerCert";
  /** Who the audit log names as the operator of this issuance. */
  public static final String OPERATOR = "p11ca-server";

  private static final System.Logger LOG = System.getLogger(TlsCertificateProvisioner.class.getName());

  private final Token token;
  private final OperatorEnrollment ca;
  private final Clock clock;

  public TlsCertificateProvisioner(Token token, OperatorEnrollment ca, Clock clock) {
    this.token = token;
    this.ca = ca;
    this.clock = clock;
  }

  /**
   * The certificate of the key labelled {@code label}, issued now if the token has none.
   *
   * @param hostNames DNS names and IP literals; the first (a DNS name) becomes the CN, and 127.0.0.1 is always
   *     added so loopback clients that check the address can connect
   * @throws IllegalStateException when the token's certificate is not for that key or has expired (an operator
   *     must remove it; replacing a certificate silently would hide a mix-up)
   */
  public X509Certificate ensureCertificate(String label, List<String> hostNames) {
    KeyHandle key = token.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label(label));
    PublicKey publicKey = token.publicKey(key);
    Optional<X509Certificate> existing = token.findCertificate(KeySelector.label(label));
    if (existing.isPresent()) {
      X509Certificate cert = existing.get();
      if (!Arrays.equals(cert.getPublicKey().getEncoded(), publicKey.getEncoded())) {
        throw new IllegalStateException("the certificate labelled '" + label + "' on token '" + token.info().label()
            + "' is not for the key labelled '" + label + "'");
      }
      if (cert.getNotAfter().before(Date.from(clock.instant()))) {
        throw new IllegalStateException("the TLS certificate labelled '" + label + "' expired on "
            + cert.getNotAfter().toInstant() + ": remove it from the token (p11ca-token destroy) and the server"
            + " issues a new one at start-up");
      }
      return cert;
    }
    ObjectId id = key.id().orElseThrow(() -> new IllegalStateException("the TLS key labelled '" + label
        + "' has no CKA_ID, so no certificate can be paired with it"));
    PKCS10CertificationRequest csr = request(key, publicKey, hostNames);
    X509CertificateHolder issued = ca.enroll(csr, PROFILE, OPERATOR);
    if (!issued.getSubjectPublicKeyInfo().equals(csr.getSubjectPublicKeyInfo())) {
      throw new IllegalStateException("the CA issued a TLS certificate for a different key");
    }
    X509Certificate cert = toX509(issued);
    token.importCertificate(label, id, cert);
    LOG.log(System.Logger.Level.INFO, "issued the TLS server certificate " + cert.getSerialNumber().toString(16)
        + " for " + hostNames + " and imported it on token '" + token.info().label() + "' as '" + label + "'");
    return cert;
  }

  private PKCS10CertificationRequest request(KeyHandle key, PublicKey publicKey, List<String> hostNames) {
    List<GeneralName> names = new ArrayList<>();
    for (String host : hostNames) {
      names.add(new GeneralName(isIpLiteral(host) ? GeneralName.iPAddress : GeneralName.dNSName, host));
    }
    GeneralName loopback = new GeneralName(GeneralName.iPAddress, "127.0.0.1");
    if (!names.contains(loopback)) {
      names.add(loopback);
    }
    try {
      ExtensionsGenerator extensions = new ExtensionsGenerator();
      extensions.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(names.toArray(GeneralName[]::new)));
      PKCS10CertificationRequestBuilder builder = new PKCS10CertificationRequestBuilder(
          new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hostNames.get(0)).build(),
          SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()));
      builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
      return builder.build(new TokenContentSigner(token, key, SignatureAlgorithm.defaultFor(key)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the TLS certificate request", e);
    }
  }

  private static boolean isIpLiteral(String host) {
    return host.contains(":") || host.matches("[0-9.]+");
  }

  private static X509Certificate toX509(X509CertificateHolder holder) {
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK cannot read the issued TLS certificate", e);
    }
  }
}
