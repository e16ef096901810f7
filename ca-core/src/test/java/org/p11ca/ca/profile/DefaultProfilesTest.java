package org.p11ca.ca.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;

/** The profiles shipped in the jar load and say what their documentation says. */
class DefaultProfilesTest {

  private static final Profiles DEFAULTS = ProfileLoader.loadDefaults();

  private static Profile profile(String id) {
    return DEFAULTS.find(id).orElseThrow();
  }

  @Test
  void everyShippedProfileLoads() {
    assertEquals(ProfileLoader.DEFAULT_PROFILE_IDS,
        DEFAULTS.all().stream().map(Profile::id).toList());
  }

  @Test
  void unknownIdIsAbsent() {
    assertEquals(Optional.empty(), DEFAULTS.find("caNoSuchProfile"));
  }

  @Test
  void noShippedProfileAcceptsRsaBelow2048() {
    for (Profile p : DEFAULTS.all()) {
      p.keys().rsaMinBits().ifPresent(bits -> assertTrue(bits >= 2048, p.id()));
    }
  }

  @Test
  void userSignedProfileTakesTheSubjectFromTheSigner() {
    Profile p = profile("caFullCMCUserSignedCert");
    assertInstanceOf(SubjectNamePolicy.FromSigner.class, p.subjectName());
    assertEquals(Set.of(KeyUsageBit.DIGITAL_SIGNATURE, KeyUsageBit.NON_REPUDIATION, KeyUsageBit.KEY_ENCIPHERMENT,
        KeyUsageBit.DATA_ENCIPHERMENT), p.keyUsage().bits());
    assertEquals(List.of(ExtendedKeyUsagePurpose.CLIENT_AUTH, ExtendedKeyUsagePurpose.EMAIL_PROTECTION),
        p.extendedKeyUsage());
    assertFalse(p.basicConstraints().ca());
  }

  @Test
  void agentSignedProfileTakesTheSubjectFromTheRequest() {
    SubjectNamePolicy policy = profile("caFullCMCUserCert").subjectName();
    SubjectNamePolicy.FromRequest fromRequest = assertInstanceOf(SubjectNamePolicy.FromRequest.class, policy);
    assertEquals(Set.of(SubjectAttribute.UID, SubjectAttribute.CN), fromRequest.requireAnyOf());
  }

  @Test
  void selfSignedAndSharedTokenProfilesTakeTheSubjectFromTheRequest() {
    assertInstanceOf(SubjectNamePolicy.FromRequest.class, profile("caFullCMCSelfSignedCert").subjectName());
    assertInstanceOf(SubjectNamePolicy.FromRequest.class, profile("caFullCMCSharedTokenCert").subjectName());
  }

  @Test
  void encryptionProfileIsEncryptionOnlyAndRequiresArchival() {
    Profile p = profile("caFullCMCEncryptionCert");
    assertEquals(Set.of(KeyUsageBit.KEY_ENCIPHERMENT, KeyUsageBit.DATA_ENCIPHERMENT), p.keyUsage().bits());
    assertTrue(p.allowEncryptionOnlyKeys());
    assertTrue(p.archivalRequired());
  }

  @Test
  void ocspResponderProfileIsShortLivedOcspSigningWithNoCheck() {
    Profile p = profile("caOCSPCert");
    assertEquals(List.of(ExtendedKeyUsagePurpose.OCSP_SIGNING), p.extendedKeyUsage());
    assertEquals(Set.of(KeyUsageBit.DIGITAL_SIGNATURE), p.keyUsage().bits());
    assertTrue(p.ocspNoCheck());
    assertEquals(Duration.ofDays(90), p.validity());
    assertFalse(p.basicConstraints().ca());
    assertTrue(DEFAULTS.all().stream().filter(Profile::ocspNoCheck).map(Profile::id).toList()
        .equals(List.of("caOCSPCert")), "only the responder profile exempts its certificates from status checks");
  }

  @Test
  void serverProfileRequiresADnsNameFromTheRequest() {
    Profile p = profile("caServerCert");
    assertEquals(new SubjectAltNamePolicy(true, true), p.subjectAltName());
    assertEquals(List.of(ExtendedKeyUsagePurpose.SERVER_AUTH), p.extendedKeyUsage());
    assertEquals(Set.of(KeyUsageBit.DIGITAL_SIGNATURE, KeyUsageBit.KEY_ENCIPHERMENT), p.keyUsage().bits());
  }

  @Test
  void subordinateCaProfileIsACaWithPathLenZero() {
    Profile p = profile("caSubCACert");
    assertEquals(new BasicConstraintsPolicy(true, Optional.of(0)), p.basicConstraints());
    assertEquals(new KeyUsagePolicy(Set.of(KeyUsageBit.KEY_CERT_SIGN, KeyUsageBit.CRL_SIGN), true), p.keyUsage());
  }

  @Test
  void validityAcceptsAWholeNumberOfDays() {
    Profile p = ProfileLoader.parse("days.yaml", """
        id: days
        validity: 30
        subject: {from: signer}
        keys: {rsaMinBits: 2048}
        keyUsage: {usages: [digitalSignature]}
        """);
    assertEquals(Duration.ofDays(30), p.validity());
  }

  @Test
  void requestSubjectGetsTheConfiguredSuffixOnce() {
    SubjectNamePolicy.FromRequest policy = new SubjectNamePolicy.FromRequest(Set.of(SubjectAttribute.UID),
        Optional.of(new X500Name("O=Example")));
    assertEquals(Optional.of(new X500Name("UID=jdoe,O=Example")), policy.issuedSubject(new X500Name("UID=jdoe")));
    assertEquals(Optional.of(new X500Name("UID=jdoe,O=Example")),
        policy.issuedSubject(new X500Name("UID=jdoe,O=Example")));
  }

  @Test
  void requestSubjectWithoutARequiredAttributeHasNoIssuedSubject() {
    SubjectNamePolicy.FromRequest policy = new SubjectNamePolicy.FromRequest(
        Set.of(SubjectAttribute.UID, SubjectAttribute.CN), Optional.empty());
    assertEquals(Optional.empty(), policy.issuedSubject(new X500Name("O=Example")));
  }
}
