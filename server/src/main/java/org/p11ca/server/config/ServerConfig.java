package org.p11ca.server.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.p11ca.ca.kra.KeyRecoveryPolicy;

/**
 * The validated configuration of {@code p11ca serve}: everything in it has been checked, so the composition root
 * only builds. Made by {@link ServerConfigLoader}; see there for the file format.
 *
 * @param source the file it was read from, for messages
 * @param profilesDir a directory of profile YAML files; absent means the profiles shipped in ca-core
 * @param keyRecovery the {@code kra} section: how many KRA agents must approve a key recovery
 * @param archival the {@code kra} section: how subscribers encrypt archived keys' session keys
 * @param sharedSecrets the {@code sharedSecrets} section: lifetimes and lock-out of identity-proof secrets
 * @param crl the {@code crl} section: the full CRL's validity and how long revocations are batched
 * @param ocsp the {@code ocsp} section: the OCSP responses' nextUpdate
 * @param ocspSigner the {@code ocsp} section: the CA key or a delegated responder key signs the responses
 * @param locations the {@code locations} section: the CRL, OCSP and CA-certificate URLs put in every certificate
 *     whose profile names none of its own
 */
public record ServerConfig(Path source, Path dataDir, TokenSettings token, KeyLabels keys,
    Optional<Path> profilesDir, HttpSettings http, AuditSettings audit, ClientAuthPolicy clientAuth,
    KeyRecoveryPolicy keyRecovery, ArchivalSettings archival,
    org.p11ca.ca.secret.SharedSecretPolicy sharedSecrets, org.p11ca.ca.crl.CrlSettings crl,
    org.p11ca.ca.ocsp.OcspSettings ocsp, OcspSigner ocspSigner, org.p11ca.ca.profile.CertificateLocations locations) {

  public ServerConfig {
    Objects.requireNonNull(source);
    Objects.requireNonNull(dataDir);
    Objects.requireNonNull(token);
    Objects.requireNonNull(keys);
    Objects.requireNonNull(profilesDir);
    Objects.requireNonNull(http);
    Objects.requireNonNull(audit);
    Objects.requireNonNull(clientAuth);
    Objects.requireNonNull(keyRecovery);
    Objects.requireNonNull(archival);
    Objects.requireNonNull(sharedSecrets);
    Objects.requireNonNull(crl);
    Objects.requireNonNull(ocsp);
    Objects.requireNonNull(ocspSigner);
    Objects.requireNonNull(locations);
  }
}
