package org.p11ca.server;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.p11ca.ca.ocsp.OcspResponder;
import org.p11ca.ca.ocsp.ResponderKey;
import org.p11ca.ca.service.CaSigner;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.ObjectId;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.bc.TokenContentSigner;
import org.p11ca.server.tls.OperatorEnrollment;

/**
 * The delegated OCSP responder ({@code ocsp.signer: delegated}, RFC 6960 4.2.2.2): the token's OCSP signing key signs
 * the responses under a certificate this CA issues for it through {@value #PROFILE}, so the CA key signs only
 * certificates, CRLs and CMC responses. At start it takes up the certificate on the token beside the key, or has a
 * new one issued when there is none, when it is not fit (another CA's, no id-kp-OCSPSigning) or when a third of its
 * validity or less is left; while the server runs it looks again every {@link #CHECK_EVERY} and renews the same way.
 * The request is a PKCS#10 signed by the key on the token, so its possession is shown, not vouched for. A renewed
 * certificate replaces the old one on the token and in {@value #FILE}, and the responder signs with it at once.
 */
final class DelegatedOcspResponder implements AutoCloseable {

  static final String PROFILE = "caOCSPCert";
  static final String FILE = "ocsp-responder.pem";
  static final String OPERATOR = "p11ca-server";
  static final Duration CHECK_EVERY = Duration.ofHours(1);

  private static final System.Logger LOG = System.getLogger(DelegatedOcspResponder.class.getName());

  private final Token token;
  private final KeyHandle key;
  private final String label;
  private final SubjectPublicKeyInfo publicKey;
  private final CaSigner ca;
  private final OperatorEnrollment enrollment;
  private final OcspResponder responder;
  private final Path pemFile;
  private final Clock clock;
  private final ScheduledThreadPoolExecutor scheduler;
  /** The certificate the responder signs under; guarded by this. */
  private X509CertificateHolder current;

  private DelegatedOcspResponder(Token token, KeyHandle key, String label, CaSigner ca, OperatorEnrollment enrollment,
      OcspResponder responder, Path dataDir, Clock clock) {
    this.token = token;
    this.key = key;
    this.label = label;
    this.publicKey = SubjectPublicKeyInfo.getInstance(token.publicKey(key).getEncoded());
    this.ca = ca;
    this.enrollment = enrollment;
    this.responder = responder;
    this.pemFile = dataDir.resolve(FILE);
    this.clock = clock;
    this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "p11ca-ocsp-responder");
      t.setDaemon(true);
      return t;
    });
    scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * Makes {@code responder} sign with the key labelled {@code label}, issuing its certificate if needed, and keeps
   * the certificate renewed until closed.
   *
   * @throws IllegalStateException when the token has no such key, or no fit certificate can be had for it: a CA
   *     configured for a delegated responder should not quietly answer with its own key instead
   */
  static DelegatedOcspResponder start(Token token, String label, CaSigner ca, OperatorEnrollment enrollment,
      OcspResponder responder, Path dataDir, Clock clock) {
    KeyHandle key = token.findKey(ObjectClass.PRIVATE_KEY, KeySelector.label(label)).orElseThrow(() ->
        new IllegalStateException("ocsp.signer is delegated but token '" + token.info().label() + "' has no private"
            + " key labelled '" + label + "': make one with p11ca-token generate-key --label " + label
            + " --type ec-p256 --purpose ocsp (scripts/softhsm-init.sh does)"));
    if (key.id().isEmpty()) {
      throw new IllegalStateException("the OCSP signing key labelled '" + label + "' has no CKA_ID, so no"
          + " certificate can be paired with it on the token");
    }
    DelegatedOcspResponder delegated = new DelegatedOcspResponder(token, key, label, ca, enrollment, responder,
        dataDir, clock);
    delegated.renewIfDue();
    long period = CHECK_EVERY.toSeconds();
    delegated.scheduler.scheduleWithFixedDelay(delegated::renewQuietly, period, period, TimeUnit.SECONDS);
    return delegated;
  }

  /** The certificate responses are signed under now. */
  synchronized X509CertificateHolder certificate() {
    return current;
  }

  /** Takes up the token's certificate, or issues and installs a new one when {@link #reasonToIssue} says so. */
  synchronized void renewIfDue() {
    Optional<X509CertificateHolder> onToken = token.findCertificate(KeySelector.id(key.id().orElseThrow()))
        .map(CaCore::holder);
    Optional<String> reason = reasonToIssue(onToken, clock.instant());
    if (reason.isEmpty()) {
      adopt(onToken.orElseThrow());
      return;
    }
    LOG.log(System.Logger.Level.INFO, "issuing a delegated OCSP responder certificate for key '" + label + "': "
        + reason.get());
    X509CertificateHolder issued = enrollment.enroll(request(), PROFILE, OPERATOR);
    ResponderKey.unfitness(ca, issued, publicKey).ifPresent(why -> {
      throw new IllegalStateException("profile " + PROFILE + " issued an unfit OCSP responder certificate: " + why);
    });
    // The old certificate goes first: should the process die between the two, the next start finds none and
    // issues again, where two objects for one key would stop it.
    token.findKey(ObjectClass.CERTIFICATE, KeySelector.id(key.id().orElseThrow())).ifPresent(token::destroy);
    token.importCertificate(label, key.id().orElseThrow(), PemFiles.jca(issued, "OCSP responder certificate"));
    adopt(issued);
  }

  private void renewQuietly() {
    try {
      renewIfDue();
    } catch (RuntimeException e) {
      // Retried at the next check; once the certificate has lapsed the responder signs with the CA key meanwhile.
      LOG.log(System.Logger.Level.WARNING, "cannot renew the delegated OCSP responder certificate (retrying in "
          + CHECK_EVERY.toMinutes() + " min): " + e.getMessage(), e);
    }
  }

  /**
   * Why a new certificate is needed, if one is: none on the token, one that cannot certify this key as this CA's
   * responder, or one with a third of its validity or less left (as ACME clients renew), so that a failed renewal
   * has weeks of retries before responses fall back to the CA key.
   */
  Optional<String> reasonToIssue(Optional<X509CertificateHolder> onToken, Instant now) {
    if (onToken.isEmpty()) {
      return Optional.of("the token has no certificate for it");
    }
    X509CertificateHolder cert = onToken.get();
    Optional<String> unfit = ResponderKey.unfitness(ca, cert, publicKey);
    if (unfit.isPresent()) {
      return unfit;
    }
    Instant notBefore = cert.getNotBefore().toInstant();
    Instant notAfter = cert.getNotAfter().toInstant();
    Instant renewAt = notAfter.minus(Duration.between(notBefore, notAfter).dividedBy(3));
    if (!now.isBefore(renewAt)) {
      return Optional.of("certificate " + cert.getSerialNumber().toString(16) + " runs until " + notAfter
          + " (renewed once a third of its validity is left)");
    }
    return Optional.empty();
  }

  private void adopt(X509CertificateHolder cert) {
    if (cert.equals(current)) {
      return;
    }
    responder.delegateTo(ResponderKey.delegated(ca, token, key, cert));
    current = cert;
    PemFiles.publish(pemFile, cert, "OCSP responder certificate");
  }

  /** "CN=OCSP Responder" in place of the CA's CN, the CA's other attributes kept, so the two read as a pair. */
  private X500Name subject() {
    X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
    boolean named = false;
    for (RDN rdn : ca.certificate().getSubject().getRDNs()) {
      if (!rdn.isMultiValued() && rdn.getFirst().getType().equals(BCStyle.CN)) {
        if (!named) {
          name.addRDN(BCStyle.CN, "OCSP Responder");
          named = true;
        }
      } else {
        name.addMultiValuedRDN(rdn.getTypesAndValues());
      }
    }
    if (!named) {
      name.addRDN(BCStyle.CN, "OCSP Responder");
    }
    return name.build();
  }

  private PKCS10CertificationRequest request() {
    return new PKCS10CertificationRequestBuilder(subject(), publicKey)
        .build(new TokenContentSigner(token, key, SignatureAlgorithm.defaultFor(key)));
  }

  @Override
  public void close() {
    scheduler.shutdown();
    try {
      if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.log(System.Logger.Level.WARNING, "an OCSP responder renewal was still running after 30 s; closing anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
