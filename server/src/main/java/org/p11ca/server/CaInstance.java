package org.p11ca.server;

import java.io.PrintStream;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.service.CmcService;
import org.p11ca.hsm.SigningTally;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.pkcs11.Pkcs11Token;
import org.p11ca.server.config.OcspSigner;
import org.p11ca.server.config.ServerConfig;
import org.p11ca.server.tls.OperatorEnrollment;
import org.p11ca.server.config.TokenSettings;
import org.p11ca.server.http.CrlHandler;
import org.p11ca.server.http.HttpRoutes;
import org.p11ca.server.http.KeyRecoveryHandler;
import org.p11ca.server.tls.TlsCertificateProvisioner;
import org.p11ca.server.tls.TlsContexts;

/**
 * The composition root: from a validated {@link ServerConfig} it opens the token, the database and the audit log,
 * builds the CA, makes sure the TLS key has a certificate, and starts HTTPS. Everything opened is closed in reverse
 * order by {@link #close()} (or right away when a later step fails), so the audit log signs its final checkpoint
 * while the token is still open.
 */
public final class CaInstance implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(CaInstance.class.getName());

  private final OpenedResources resources;
  private final CaHttpServer http;
  private final X509Certificate tlsCertificate;
  private final Token token;
  private final CountDownLatch closed = new CountDownLatch(1);

  private CaInstance(OpenedResources resources, CaHttpServer http, X509Certificate tlsCertificate, Token token) {
    this.resources = resources;
    this.http = http;
    this.tlsCertificate = tlsCertificate;
    this.token = token;
  }

  /** Builds and starts everything; on failure nothing stays open. */
  public static CaInstance start(ServerConfig config, Clock clock) throws Exception {
    OpenedResources resources = new OpenedResources();
    try {
      CaCore core = CaCore.open(config, clock, resources);
      Token token = core.token;
      CmcService ca = core.cmc;
      AuditLog audit = core.audit;
      OperatorEnrollment enrollment = (csr, profile, operator) -> ca.enrollByOperator(csr, profile, operator).cert();
      X509Certificate tlsCertificate = new TlsCertificateProvisioner(token, enrollment, clock)
          .ensureCertificate(config.keys().tls(), config.http().tlsHostNames());
      if (config.ocspSigner() == OcspSigner.DELEGATED) {
        resources.add("delegated OCSP responder", DelegatedOcspResponder.start(token, config.keys().ocspSigning(),
            core.signer, enrollment, core.ocsp, config.dataDir(), clock));
      }
      KeyStore keyStore = TlsKeyStoreSource.load(TlsKeyStoreSource.jcaCapable(token, config.token(), resources));
      var tls = TlsContexts.server(keyStore, config.keys().tls(), Optional.empty(),
          config.clientAuth().anyWantsCertificate());

      Optional<KeyRecoveryHandler.Kra> kra = core.keyRecovery.map(r -> new KeyRecoveryHandler.Kra(r,
          core.kraAgents, core.caChain));
      // Before HTTPS: the CRL endpoints then always have a current CRL to serve.
      core.crls.start();
      HttpRoutes.Services services = HttpRoutes.Services.cmc(ca, config.clientAuth())
          .withKra(kra, core.transportCertificate.map(KraTransportCertificate::pem))
          .withStatus(Optional.of(new CrlHandler.Publication(core.crls, core.crlDistributionPaths)),
              Optional.of(core.ocsp));
      CaHttpServer http = resources.add("HTTPS server", CaHttpServer.start(config.http(), services, tls,
          audit::append, sessionCapacity(token, config.token())));
      return new CaInstance(resources, http, tlsCertificate, token);
    } catch (Exception | Error e) {
      try {
        resources.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  public int port() {
    return http.port();
  }

  /** The plain-HTTP CRL/OCSP port, when http.statusPort is set. */
  public java.util.OptionalInt statusPort() {
    return http.statusPort();
  }

  public X509Certificate tlsCertificate() {
    return tlsCertificate;
  }

  /**
   * The signatures the CA's token made so far (certificates, CMC responses, CRLs, OCSP responses, audit
   * checkpoints; not TLS handshakes) and the time they took inside the library: for benchmarks and diagnosis.
   */
  public Optional<SigningTally> signingTally() {
    return token.signingTally();
  }

  /** The line scripts wait for; the host is the TLS certificate's first name, which clients can verify. */
  public void announce(PrintStream out, ServerConfig config) {
    // Before the line scripts wait for, so that once they see it both listeners are known.
    http.statusPort().ifPresent(p -> out.println("p11ca: CRL and OCSP on http://"
        + config.http().tlsHostNames().get(0) + ":" + p));
    out.println("p11ca: listening on https://" + config.http().tlsHostNames().get(0) + ":" + port());
    out.flush();
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /** Stops HTTPS gracefully, then closes the audit log (final signed checkpoint), database and token. */
  @Override
  public void close() {
    try {
      resources.close();
      LOG.log(System.Logger.Level.INFO, "p11ca stopped");
    } finally {
      closed.countDown();
    }
  }

  /** The pool the token really has: the configured size, capped by the token's own session limit. */
  private static int sessionCapacity(Token token, TokenSettings settings) {
    return token instanceof Pkcs11Token p ? p.sessionPoolCapacity() : settings.sessionPoolSize();
  }
}
