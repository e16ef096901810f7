package org.p11ca.server;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.cert.X509CertificateHolder;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.repository.CertificateStatus;
import org.p11ca.ca.service.UnfinishedIssuances;
import org.p11ca.ca.audit.AuditSigner;
import org.p11ca.ca.crl.CrlGenerator;
import org.p11ca.ca.crl.CrlPublisher;
import org.p11ca.ca.kra.ArchivedKeyExport;
import org.p11ca.ca.kra.KeyArchiver;
import org.p11ca.ca.kra.KeyRecovery;
import org.p11ca.ca.kra.KraAgentAuthentication;
import org.p11ca.ca.ocsp.OcspResponder;
import org.p11ca.ca.proof.SignerCertificateCheck;
import org.p11ca.ca.profile.ProfileLoader;
import org.p11ca.ca.profile.Profiles;
import org.p11ca.ca.repository.CaDatabase;
import org.p11ca.ca.repository.JdbcAgentStore;
import org.p11ca.ca.repository.JdbcArchivedKeyStore;
import org.p11ca.ca.repository.JdbcKeyRecoveryStore;
import org.p11ca.ca.repository.JdbcCertificateStore;
import org.p11ca.ca.repository.JdbcCrlStore;
import org.p11ca.ca.repository.JdbcPendingPopStore;
import org.p11ca.ca.pop.EncryptedPopChallenger;
import org.p11ca.ca.service.EncryptedPopSupport;
import org.p11ca.ca.service.KeyArchival;
import org.p11ca.ca.repository.JdbcRequestStore;
import org.p11ca.ca.service.CaSigner;
import org.p11ca.ca.service.CmcService;
import org.p11ca.ca.service.SharedSecretIdentities;
import org.p11ca.ca.repository.JdbcSharedSecretStore;
import org.p11ca.ca.secret.SharedSecretAdministration;
import org.p11ca.ca.secret.SharedSecretVault;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.SlotSelector;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.TokenConfig;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import org.p11ca.server.config.ServerConfig;
import org.p11ca.server.config.TokenSettings;
import org.p11ca.server.http.CrlHandler;

/**
 * The CA without its HTTP front: token, database, audit log and the CMC facade, opened from a validated config. The
 * server serves it; operator commands ({@code bootstrap}) use it directly. Closing it closes the audit log (final
 * signed checkpoint) while the token is still open, then the database and the token.
 */
final class CaCore implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(CaCore.class.getName());

  /** The audit key's public half, written beside the log so an auditor can check it without the token PIN. */
  static final String AUDIT_PUBLIC_KEY_FILE = "audit-signing.pub.pem";

  final Token token;
  /** The CA key and chain. */
  final CaSigner signer;
  final CaDatabase database;
  final AuditLog audit;
  final JdbcAgentStore agents;
  final JdbcCertificateStore certificates;
  final CmcService cmc;
  /** Empty when the token has no KRA storage key: nothing can have been archived, so nothing can be recovered. */
  final Optional<KeyRecovery> keyRecovery;
  final KraAgentAuthentication kraAgents;
  /** The CA chain that follows a recovered key's certificate in its PKCS#12. */
  final List<X509Certificate> caChain;
  /** The KRA transport certificate, when the token has the KRA keys. */
  final Optional<X509Certificate> transportCertificate;
  /** Empty when the token has no shared-secret key: self-signed requests are then refused. */
  final Optional<SharedSecretAdministration> sharedSecrets;
  /** The full CRL, remade after revocations; started by the server only ({@link CrlPublisher#start()}). */
  final CrlPublisher crls;
  /** The paths of the profiles' http crlDistributionPoint URLs, where the server serves the CRL as well. */
  final Set<String> crlDistributionPaths;
  /** Answers OCSP from the certificate records, signing with the CA key unless given a delegate. */
  final OcspResponder ocsp;
  private final OpenedResources resources;

  private CaCore(OpenedResources resources, Token token, CaSigner signer, CaDatabase database, AuditLog audit,
      JdbcAgentStore agents, JdbcCertificateStore certificates, CmcService cmc, Optional<KeyRecovery> keyRecovery,
      KraAgentAuthentication kraAgents, List<X509Certificate> caChain,
      Optional<X509Certificate> transportCertificate, Optional<SharedSecretAdministration> sharedSecrets,
      CrlPublisher crls, Set<String> crlDistributionPaths, OcspResponder ocsp) {
    this.resources = resources;
    this.token = token;
    this.signer = signer;
    this.database = database;
    this.audit = audit;
    this.agents = agents;
    this.certificates = certificates;
    this.cmc = cmc;
    this.keyRecovery = keyRecovery;
    this.kraAgents = kraAgents;
    this.caChain = List.copyOf(caChain);
    this.transportCertificate = transportCertificate;
    this.sharedSecrets = sharedSecrets;
    this.crls = crls;
    this.crlDistributionPaths = Set.copyOf(crlDistributionPaths);
    this.ocsp = ocsp;
  }

  /** Opens everything into {@code resources}, which the caller closes (on failure too). */
  static CaCore open(ServerConfig config, Clock clock, OpenedResources resources) {
    // Profiles first: a bad profile file is the cheapest failure to find, and needs no PIN.
    Profiles profiles = config.profilesDir().map(ProfileLoader::load).orElseGet(ProfileLoader::loadDefaults)
        .withDefaultLocations(config.locations());
    Token token = resources.add("token '" + config.token().label() + "'", openToken(config.token()));
    KeyHandle caKey = token.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label(config.keys().caSigning()));
    X509Certificate caCertificate = token.findCertificate(KeySelector.label(config.keys().caSigning()))
        .orElseThrow(() -> new IllegalStateException("token '" + config.token().label()
            + "' has no CA certificate labelled '" + config.keys().caSigning()
            + "': make one with p11ca-token self-signed-ca (scripts/softhsm-init.sh does)"));
    KeyHandle auditKey = token.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label(config.keys().audit()));

    CaDatabase database = resources.add("database", CaDatabase.openSqlite(config.dataDir()));
    AuditSigner auditSigner = AuditSigner.of(token, auditKey);
    AuditLog audit = resources.add("audit log", AuditLog.open(config.audit().file(), auditSigner,
        config.audit().checkpoints(), clock));
    PemFiles.publish(config.audit().file().resolveSibling(AUDIT_PUBLIC_KEY_FILE), token.publicKey(auditKey),
        "audit public key");
    // A root CA: its chain is itself. A subordinate CA's issuers would follow here.
    CaSigner signer = new CaSigner(token, caKey, SignatureAlgorithm.defaultFor(caKey),
        List.of(holder(caCertificate)));
    JdbcAgentStore agents = new JdbcAgentStore(database, clock);
    JdbcCertificateStore certificates = new JdbcCertificateStore(database, clock);
    UnfinishedIssuances.warning(certificates.listByStatus(CertificateStatus.RESERVED))
        .ifPresent(w -> LOG.log(System.Logger.Level.WARNING, w));
    Optional<KeyHandle> transportKey = KraTransportCertificate.key(token, config.keys().kraTransport());
    Optional<KeyHandle> storageKey = token.findKey(ObjectClass.SECRET_KEY, KeySelector.label(config.keys().kraStorage()));
    Optional<KeyArchival> archival = transportKey.isPresent() && storageKey.isPresent()
        ? Optional.of(new KeyArchival(new KeyArchiver(token, transportKey.get(), storageKey.get(),
            config.archival().transportPadding()), new JdbcArchivedKeyStore(database, clock)))
        : Optional.empty();
    if (archival.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "no KRA transport key '" + config.keys().kraTransport() + "' or storage"
          + " key '" + config.keys().kraStorage() + "' on token '" + config.token().label() + "': requests that"
          + " send a key for archival are refused; run scripts/softhsm-init.sh again to add them");
    }
    Optional<SharedSecretIdentities> identities = sharedSecretIdentities(token, config, database);
    CmcService cmc = new CmcService(signer, profiles, certificates, new JdbcRequestStore(database, clock), agents,
        audit, clock, encryptedPop(token, config, database), archival, identities);
    Optional<SharedSecretAdministration> sharedSecrets = identities.map(i -> new SharedSecretAdministration(
        i.store(), i.vault(), token, i.policy(), audit, clock));
    Optional<X509Certificate> transportCertificate = archival.isPresent()
        ? Optional.of(KraTransportCertificate.ensure(token, transportKey.get(), cmc, config.dataDir()))
        : Optional.empty();
    KraAgentAuthentication kraAgents = new KraAgentAuthentication(
        new SignerCertificateCheck(holder(caCertificate), certificates, clock), agents, audit);
    JdbcCrlStore crlStore = new JdbcCrlStore(database, clock);
    // Closed before the audit log, database and token it uses (resources close in reverse order).
    CrlPublisher crls = resources.add("CRL publisher", new CrlPublisher(new CrlGenerator(signer, certificates,
        crlStore, config.crl().validity(), clock), crlStore, certificates, config.crl(), audit, clock));
    cmc.onRevocation(crls);
    return new CaCore(resources, token, signer, database, audit, agents, certificates, cmc,
        keyRecovery(token, config, database, agents, certificates, audit, clock), kraAgents, List.of(caCertificate),
        transportCertificate, sharedSecrets, crls, crlDistributionPaths(profiles),
        new OcspResponder(signer, certificates, config.ocsp(), clock));
  }

  /**
   * The paths of the profiles' http crlDistributionPoint URLs (RFC 5280 4.2.1.13), so a plain-HTTP front that
   * forwards paths unchanged finds the CRL there. ldap URLs and paths of other endpoints are left out.
   */
  private static Set<String> crlDistributionPaths(Profiles profiles) {
    Set<String> paths = new java.util.TreeSet<>();
    for (var profile : profiles.all()) {
      profile.locations().crlDistributionPoint()
          .filter(url -> "http".equalsIgnoreCase(url.getScheme()))
          .map(java.net.URI::getRawPath)
          .filter(path -> path != null && path.length() > 1 && !path.contains("*"))
          .ifPresent(path -> {
            if (path.startsWith("/ca/ee/") || path.startsWith("/kra/")) {
              LOG.log(System.Logger.Level.WARNING, "profile " + profile.id() + ": the CRL is not served at its"
                  + " crlDistributionPoint path " + path + ", which belongs to another endpoint; it is at "
                  + CrlHandler.DOGTAG_PATH + " and " + CrlHandler.SHORT_PATH);
            } else {
              paths.add(path);
            }
          });
    }
    return paths;
  }

  /** Opens a core that owns its resources (operator commands). */
  static CaCore open(ServerConfig config, Clock clock) {
    OpenedResources resources = new OpenedResources();
    try {
      return open(config, clock, resources);
    } catch (RuntimeException | Error e) {
      try {
        resources.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  @Override
  public void close() {
    resources.close();
  }

  /**
   * EncryptedPOP needs an AES key to protect open challenges. A token made before that key existed still serves
   * everything else; requests without signature POP then get popRequired, and the log says how to add the key.
   */
  private static Optional<EncryptedPopSupport> encryptedPop(Token token, ServerConfig config, CaDatabase database) {
    Optional<KeyHandle> key = token.findKey(ObjectClass.SECRET_KEY, KeySelector.label(config.keys().popProtection()));
    if (key.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "no AES key '" + config.keys().popProtection() + "' on token '"
          + config.token().label() + "': keys without signature POP cannot be challenged (EncryptedPOP);"
          + " run scripts/softhsm-init.sh again, or p11ca-token generate-key --purpose pop-protection");
      return Optional.empty();
    }
    return Optional.of(new EncryptedPopSupport(new EncryptedPopChallenger(token, key.get()),
        new JdbcPendingPopStore(database)));
  }

  /**
   * Self-signed requests need the AES key shared secrets are sealed under. A token made before that key existed
   * still serves everything else; the log says how to add the key.
   */
  private static Optional<SharedSecretIdentities> sharedSecretIdentities(Token token, ServerConfig config,
      CaDatabase database) {
    String label = config.keys().sharedSecretProtection();
    Optional<KeyHandle> key = token.findKey(ObjectClass.SECRET_KEY, KeySelector.label(label));
    if (key.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "no AES key '" + label + "' on token '" + config.token().label()
          + "': self-signed requests (identityProofV2 with a shared secret) are refused; run"
          + " scripts/softhsm-init.sh again, or p11ca-token generate-key --purpose shared-secret-protection");
      return Optional.empty();
    }
    return Optional.of(new SharedSecretIdentities(new JdbcSharedSecretStore(database),
        new SharedSecretVault(token, key.get()), config.sharedSecrets()));
  }

  /** Key recovery needs the KRA storage key; a token made without one still serves everything else. */
  private static Optional<KeyRecovery> keyRecovery(Token token, ServerConfig config, CaDatabase database,
      JdbcAgentStore agents, JdbcCertificateStore certificates, AuditLog audit, Clock clock) {
    Optional<KeyHandle> storage = token.findKey(ObjectClass.SECRET_KEY, KeySelector.label(config.keys().kraStorage()));
    if (storage.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "no AES key '" + config.keys().kraStorage() + "' on token '"
          + config.token().label() + "': key recovery is off; run scripts/softhsm-init.sh again, or"
          + " p11ca-token generate-key --purpose kra-storage");
      return Optional.empty();
    }
    return Optional.of(new KeyRecovery(new JdbcArchivedKeyStore(database, clock),
        new JdbcKeyRecoveryStore(database, clock), certificates, agents, new ArchivedKeyExport(token, storage.get()),
        config.keyRecovery(), audit, clock));
  }

  static Token openToken(TokenSettings t) {
    TokenConfig config = new TokenConfig(t.library(), SlotSelector.tokenLabel(t.label()), t.pin(), t.backend(),
        t.sessionPoolSize(), TokenConfig.DEFAULT_CHECKOUT_TIMEOUT, Set.of());
    return Pkcs11Library.load(t.library(), t.backend()).openToken(config);
  }

  static X509CertificateHolder holder(X509Certificate certificate) {
    try {
      return new X509CertificateHolder(certificate.getEncoded());
    } catch (CertificateEncodingException | IOException e) {
      throw new IllegalStateException("cannot read the CA certificate from the token", e);
    }
  }
}
