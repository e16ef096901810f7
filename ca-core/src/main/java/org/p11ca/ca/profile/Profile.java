package org.p11ca.ca.profile;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A validated, immutable certificate profile. The only way to get one from configuration is {@link #fromConfig},
 * which checks each field and every combination of fields and names the RFC rule a bad one breaks.
 *
 * @param validity how long an issued certificate is valid (the issuer clamps it to its own notAfter)
 * @param extendedKeyUsage in the order the profile lists them; empty for no extendedKeyUsage extension
 * @param archivalRequired the request must carry the private key for the KRA to archive
 * @param allowEncryptionOnlyKeys requests without POP signature are accepted (encrypted/decrypted POP, RFC 5272
 *     6.7); such a key has not shown it can sign, so the profile must not certify it for signing
 * @param encryptedPop how such keys are challenged (meaningful only with {@code allowEncryptionOnlyKeys})
 * @param sharedSecretIdentity present when self-signed requests proven by a shared secret may use the profile
 * @param renewal present when requests are renewals of the signer's certificate, under these rules
 * @param ocspNoCheck the certificate carries id-pkix-ocsp-nocheck: it is a delegated OCSP responder's, which relying
 *     parties trust for its lifetime without asking about its own status (RFC 6960 4.2.2.2.1)
 */
public record Profile(
    String id,
    String description,
    Duration validity,
    SubjectNamePolicy subjectName,
    SubjectAltNamePolicy subjectAltName,
    KeyConstraints keys,
    KeyUsagePolicy keyUsage,
    List<ExtendedKeyUsagePurpose> extendedKeyUsage,
    BasicConstraintsPolicy basicConstraints,
    CertificateLocations locations,
    boolean archivalRequired,
    boolean allowEncryptionOnlyKeys,
    EncryptedPopPolicy encryptedPop,
    java.util.Optional<SharedSecretIdentityPolicy> sharedSecretIdentity,
    java.util.Optional<RenewalPolicy> renewal,
    boolean ocspNoCheck) {

  public Profile {
    Objects.requireNonNull(id);
    Objects.requireNonNull(description);
    Objects.requireNonNull(validity);
    Objects.requireNonNull(subjectName);
    Objects.requireNonNull(subjectAltName);
    Objects.requireNonNull(keys);
    Objects.requireNonNull(keyUsage);
    extendedKeyUsage = List.copyOf(extendedKeyUsage);
    Objects.requireNonNull(basicConstraints);
    Objects.requireNonNull(locations);
    Objects.requireNonNull(encryptedPop);
    Objects.requireNonNull(sharedSecretIdentity);
    Objects.requireNonNull(renewal);
  }

  /** This profile with each location it does not name itself taken from {@code defaults}. */
  public Profile withDefaultLocations(CertificateLocations defaults) {
    return new Profile(id, description, validity, subjectName, subjectAltName, keys, keyUsage, extendedKeyUsage,
        basicConstraints, locations.orElse(defaults), archivalRequired, allowEncryptionOnlyKeys, encryptedPop,
        sharedSecretIdentity, renewal, ocspNoCheck);
  }

  /**
   * Validates a profile file's content.
   *
   * @param source the file name, used in every error message
   * @throws InvalidProfileException naming the file, the field and the rule
   */
  public static Profile fromConfig(String source, ProfileConfig raw) {
    try {
      return validate(source, raw);
    } catch (FieldError e) {
      throw new InvalidProfileException(source, e.getMessage());
    }
  }

  private static Profile validate(String source, ProfileConfig raw) {
    if (raw.id() == null || raw.id().isBlank()) {
      throw new FieldError("id", "is required");
    }
    // The file name is how operators find a profile; a file whose id differs would shadow another one silently.
    String baseName = source.replaceFirst("\\.ya?ml$", "");
    if (!raw.id().equals(baseName)) {
      throw FieldError.of("id", raw.id(), "must match the file name '" + baseName + "'");
    }
    Duration validity = validity(raw.validity());
    SubjectNamePolicy subjectName = SubjectNamePolicy.fromConfig(raw.subject());
    SubjectAltNamePolicy san = SubjectAltNamePolicy.fromConfig(raw.subjectAltName());
    KeyConstraints keys = KeyConstraints.fromConfig(raw.keys());
    KeyUsagePolicy keyUsage = KeyUsagePolicy.fromConfig(raw.keyUsage());
    List<ExtendedKeyUsagePurpose> eku = extendedKeyUsage(raw.extendedKeyUsage());
    BasicConstraintsPolicy basic = BasicConstraintsPolicy.fromConfig(raw.basicConstraints());
    CertificateLocations locations = CertificateLocations.fromConfig(raw.crlDistributionPoint(),
        raw.authorityInfoAccess());
    boolean archival = Boolean.TRUE.equals(raw.archivalRequired());
    boolean encryptionOnly = Boolean.TRUE.equals(raw.allowEncryptionOnlyKeys());
    EncryptedPopPolicy encryptedPop = EncryptedPopPolicy.fromConfig(raw.encryptedPop());
    if (raw.encryptedPop() != null && !encryptionOnly) {
      // The challenge is only ever sent for a key without signature POP, which only such profiles accept.
      throw new FieldError("encryptedPop", "applies only with allowEncryptionOnlyKeys: true");
    }

    // RFC 5280 4.2.1.9: "If the cA boolean is not asserted, then the keyCertSign bit in the key usage extension
    // MUST NOT be asserted", and 4.2.1.3: a key that verifies certificate signatures asserts keyCertSign.
    if (basic.ca() && !keyUsage.has(KeyUsageBit.KEY_CERT_SIGN)) {
      throw new FieldError("keyUsage.usages", "must include keyCertSign when basicConstraints.ca is true"
          + " (RFC 5280 4.2.1.3, 4.2.1.9)");
    }
    if (!basic.ca() && keyUsage.has(KeyUsageBit.KEY_CERT_SIGN)) {
      throw new FieldError("keyUsage.usages", "must not include keyCertSign unless basicConstraints.ca is true"
          + " (RFC 5280 4.2.1.9)");
    }
    // RFC 5280 4.2.1.3: "When present, conforming CAs SHOULD mark this extension as critical"; for a CA
    // certificate a relying party that ignored it could accept the CA key for anything.
    if (basic.ca() && !keyUsage.critical()) {
      throw new FieldError("keyUsage.critical", "must be true for a CA profile (RFC 5280 4.2.1.3)");
    }
    // RFC 5272 6.7 / RFC 4211 section 4: a key certified without a signature POP has not shown it can sign.
    if (encryptionOnly && keyUsage.bits().stream().anyMatch(KeyUsageBit::isSigning)) {
      throw new FieldError("allowEncryptionOnlyKeys", "is only allowed when keyUsage has no signing usage"
          + " (a key without signature POP must not be certified to sign, RFC 4211 section 4)");
    }
    // Archival exists to recover data encrypted to a lost key; escrowing a signing key only weakens
    // non-repudiation, so an archival profile must certify the key for encryption.
    if (archival && !(keyUsage.has(KeyUsageBit.KEY_ENCIPHERMENT) || keyUsage.has(KeyUsageBit.KEY_AGREEMENT)
        || keyUsage.has(KeyUsageBit.DATA_ENCIPHERMENT))) {
      throw new FieldError("archivalRequired", "needs an encryption usage (keyEncipherment, dataEncipherment or"
          + " keyAgreement): only decryption keys are archived");
    }
    // The subject of a shared-secret request is checked against the secret (RFC 5272 section 6.3.2); there is no
    // signer certificate to take it from.
    if (raw.sharedSecretIdentity() != null && !(subjectName instanceof SubjectNamePolicy.FromRequest)) {
      throw new FieldError("sharedSecretIdentity", "needs subject.from: request (a self-signed request has no signer"
          + " certificate to take the subject from)");
    }
    java.util.Optional<SharedSecretIdentityPolicy> sharedSecret = java.util.Optional.ofNullable(
        raw.sharedSecretIdentity()).map(SharedSecretIdentityPolicy::fromConfig);
    // A renewal renews the signer's certificate: without a signer there is nothing whose expiry the window is about.
    if (raw.renewal() != null && !(subjectName instanceof SubjectNamePolicy.FromSigner)) {
      throw new FieldError("renewal", "needs subject.from: signer (a renewal renews the signer's certificate)");
    }
    java.util.Optional<RenewalPolicy> renewal = java.util.Optional.ofNullable(raw.renewal())
        .map(RenewalPolicy::fromConfig);
    boolean ocspNoCheck = Boolean.TRUE.equals(raw.ocspNoCheck());
    // RFC 6960 4.2.2.2.1: the extension exempts a responder's own certificate from status checks; on any other
    // certificate it would only tell relying parties to skip a check they need.
    if (ocspNoCheck && !eku.contains(ExtendedKeyUsagePurpose.OCSP_SIGNING)) {
      throw new FieldError("ocspNoCheck", "needs extendedKeyUsage OCSPSigning (id-pkix-ocsp-nocheck is for OCSP"
          + " responder certificates, RFC 6960 4.2.2.2.1)");
    }
    if (ocspNoCheck && !keyUsage.has(KeyUsageBit.DIGITAL_SIGNATURE)) {
      throw new FieldError("ocspNoCheck", "needs keyUsage digitalSignature (a responder signs its responses)");
    }
    return new Profile(raw.id(), raw.description() == null ? "" : raw.description(), validity, subjectName, san,
        keys, keyUsage, eku, basic, locations, archival, encryptionOnly, encryptedPop, sharedSecret, renewal,
        ocspNoCheck);
  }

  private static Duration validity(String text) {
    if (text == null || text.isBlank()) {
      throw new FieldError("validity", "is required (an ISO-8601 duration like P365D, or a number of days)");
    }
    Duration validity;
    try {
      validity = text.trim().matches("-?\\d+") ? Duration.ofDays(Long.parseLong(text.trim()))
          : Duration.parse(text.trim());
    } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
      throw FieldError.of("validity", text, "is not an ISO-8601 duration (e.g. P365D) or a number of days");
    }
    // RFC 5280 4.1.2.5: the validity is the interval notBefore..notAfter; an empty or reversed one is no validity.
    if (validity.isNegative() || validity.isZero()) {
      throw FieldError.of("validity", text, "must be positive (RFC 5280 4.1.2.5)");
    }
    return validity;
  }

  private static List<ExtendedKeyUsagePurpose> extendedKeyUsage(List<String> names) {
    if (names == null) {
      return List.of();
    }
    Set<ExtendedKeyUsagePurpose> purposes = new LinkedHashSet<>();
    for (String name : names) {
      ExtendedKeyUsagePurpose purpose = ExtendedKeyUsagePurpose.ofName(String.valueOf(name)).orElseThrow(() ->
          FieldError.of("extendedKeyUsage", name, "is not a known key purpose of RFC 5280 4.2.1.12"));
      if (!purposes.add(purpose)) {
        throw FieldError.of("extendedKeyUsage", name, "is listed twice");
      }
    }
    return new ArrayList<>(purposes);
  }
}
