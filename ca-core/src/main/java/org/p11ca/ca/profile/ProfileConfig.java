package org.p11ca.ca.profile;

import java.util.List;

/**
 * A profile file exactly as Jackson read it: unvalidated, fields absent as null. Nothing outside this package sees
 * one; {@link Profile#fromConfig} turns it into a validated {@link Profile} or says which field breaks which rule.
 */
public record ProfileConfig(
    String id,
    String description,
    /** An ISO-8601 duration ("P730D") or a whole number of days ("730"). */
    String validity,
    Subject subject,
    SubjectAltName subjectAltName,
    Keys keys,
    KeyUsage keyUsage,
    List<String> extendedKeyUsage,
    BasicConstraints basicConstraints,
    String crlDistributionPoint,
    AuthorityInfoAccess authorityInfoAccess,
    Boolean archivalRequired,
    Boolean allowEncryptionOnlyKeys,
    /** How keys without signature POP are challenged; only with allowEncryptionOnlyKeys. */
    EncryptedPop encryptedPop,
    /** Present: self-signed requests proven by a shared secret may use the profile. */
    SharedSecretIdentity sharedSecretIdentity,
    /** Present: renewal rules (key uniqueness, grace window); only with subject.from: signer. */
    Renewal renewal,
    /** true: id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1); only with extendedKeyUsage OCSPSigning. */
    Boolean ocspNoCheck) {

  /** {@code from: signer | request}; the rest applies to {@code request} only. */
  public record Subject(String from, List<String> requireAnyOf, String suffix) {
  }

  public record SubjectAltName(Boolean copyFromRequest, Boolean requireDnsName) {
  }

  public record Keys(Integer rsaMinBits, List<String> ecCurves) {
  }

  public record KeyUsage(Boolean critical, List<String> usages) {
  }

  public record BasicConstraints(Boolean ca, Integer pathLen) {
  }

  public record AuthorityInfoAccess(String ocsp, String caIssuers) {
  }

  /** {@code format: dogtag | rfc}, {@code keyTransport: rsaPkcs1 | rsaOaepSha1 | rsaOaepSha256}, ISO lifetime. */
  public record EncryptedPop(String format, String keyTransport, String challengeLifetime) {
  }

  /** ISO-8601 durations; allowSameKeyRenewal defaults to false. */
  public record Renewal(Boolean allowSameKeyRenewal, String graceBefore, String graceAfter) {
  }

  /** {@code popLinkWitness: optional | required}. */
  public record SharedSecretIdentity(String popLinkWitness) {
  }
}
