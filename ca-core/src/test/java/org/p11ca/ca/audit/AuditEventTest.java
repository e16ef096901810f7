package org.p11ca.ca.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AuditEventTest {

  private static final Pattern SECRET_NAME =
      Pattern.compile(".*(pin|password|passwd|passphrase|secret|credential|cred|token|key).*");
  private static final Set<Type> ALLOWED_TYPES = Set.of(String.class, long.class, Long.class, Outcome.class,
      BigInteger.class);

  @Test
  void eventText_matchesDogtagsSeedLines() {
    assertEquals("[AuditEvent=CERT_REQUEST_PROCESSED][SubjectID=Signer Christina Fu][Outcome=Success][ReqID=85]"
        + "[CertSerialNum=45]", AuditLine.eventText(new AuditEvent.CertRequestProcessed("Signer Christina Fu",
            Outcome.SUCCESS, 85, Optional.of(BigInteger.valueOf(45)), Optional.empty())));
    assertEquals("[AuditEvent=PROFILE_CERT_REQUEST][SubjectID=Signer Christina Fu][Outcome=Success][ReqID=85]"
        + "[ProfileID=caFullCMCUserSignedCert][CertSubject=CN=Signer Christina Fu,UID=cfu,OU=self-signed]",
        AuditLine.eventText(new AuditEvent.ProfileCertRequest("Signer Christina Fu", Outcome.SUCCESS, 85,
            "caFullCMCUserSignedCert", "CN=Signer Christina Fu,UID=cfu,OU=self-signed", Optional.empty())));
    assertEquals("[AuditEvent=ACCESS_SESSION_ESTABLISH_SUCCESS][ClientIP=y.y.y.y][ServerIP=x.x.x.x]"
        + "[SubjectID=CN=Signer Christina Fu,UID=cfu,OU=self-signed][Outcome=Success]",
        AuditLine.eventText(new AuditEvent.AccessSessionEstablishSuccess("y.y.y.y", "x.x.x.x",
            "CN=Signer Christina Fu,UID=cfu,OU=self-signed")));
    assertEquals("[AuditEvent=AUTHZ_SUCCESS][SubjectID=Signer Christina Fu][Outcome=Success]"
        + "[aclResource=certServer.ee.profile][Op=submit]",
        AuditLine.eventText(new AuditEvent.AuthzSuccess("Signer Christina Fu", "certServer.ee.profile", "submit")));
  }

  @Test
  void failureEvent_carriesItsReason() {
    assertEquals("[AuditEvent=AUTH_FAILURE][SubjectID=CN=x][Outcome=Failure][AuthMgr=CMCUserSignedAuth]"
        + "[Info=signer certificate expired]",
        AuditLine.eventText(new AuditEvent.AuthFailure("CN=x", "CMCUserSignedAuth", "signer certificate expired")));
  }

  @Test
  void fullCrlGeneration_namesItsCrlNumber_orWhyItFailed() {
    assertEquals("[AuditEvent=FULL_CRL_GENERATION][SubjectID=$System$][Outcome=Success][CRLnum=12]",
        AuditLine.eventText(new AuditEvent.FullCrlGeneration(AuditEvent.SYSTEM_SUBJECT, Outcome.SUCCESS,
            Optional.of(12L), Optional.empty())));
    assertEquals("[AuditEvent=FULL_CRL_GENERATION][SubjectID=$System$][Outcome=Failure]"
        + "[FailureReason=the token could not sign CRL 13]",
        AuditLine.eventText(new AuditEvent.FullCrlGeneration(AuditEvent.SYSTEM_SUBJECT, Outcome.FAILURE,
            Optional.empty(), Optional.of("the token could not sign CRL 13"))));
    assertThrows(IllegalArgumentException.class, () -> new AuditEvent.FullCrlGeneration(AuditEvent.SYSTEM_SUBJECT,
        Outcome.SUCCESS, Optional.empty(), Optional.empty()));
  }

  @Test
  void cutShortLineSetAside_namesWhoWhichLineAndWhereTheBytesWent() {
    assertEquals("[AuditEvent=AUDIT_LOG_CUT_SHORT_LINE_SET_ASIDE][SubjectID=operator:root][Outcome=Success][Line=815]"
        + "[Bytes=97][SHA256=ab12][SavedTo=/var/lib/p11ca/audit/audit.log.cut-short-line-815-20261207T183000Z]",
        AuditLine.eventText(new AuditEvent.AuditLogCutShortLineSetAside("operator:root", 815, 97, "ab12",
            "/var/lib/p11ca/audit/audit.log.cut-short-line-815-20261207T183000Z")));
  }

  @Test
  void reason_isRequiredExactlyOnFailure() {
    assertThrows(IllegalArgumentException.class,
        () -> new AuditEvent.ProofOfPossession("CN=x", Outcome.FAILURE, Optional.empty()));
    assertThrows(IllegalArgumentException.class,
        () -> new AuditEvent.ProofOfPossession("CN=x", Outcome.SUCCESS, Optional.of("why")));
    assertThrows(IllegalArgumentException.class, () -> new AuditEvent.CertRequestProcessed("CN=x",
        Outcome.SUCCESS, 1, Optional.empty(), Optional.empty()));
  }

  @Test
  void valueWithBracketsAndNewline_cannotForgeAFieldOrALine() {
    String text = AuditLine.eventText(new AuditEvent.AuthzFailure("CN=x", "certServer.ca.agent", "approve",
        "no]\n[Outcome=Success"));
    assertFalse(text.contains("\n"));
    assertFalse(text.contains("no][Outcome=Success"));
    assertTrue(text.endsWith("[Info=no\\]\\n\\[Outcome=Success]"), text);
    assertEquals("no]\n[Outcome=Success", AuditLine.unescape("no\\]\\n\\[Outcome=Success"));
  }

  @Test
  void noEventType_hasAFieldThatCouldHoldASecret() {
    Class<?>[] events = AuditEvent.class.getPermittedSubclasses();
    assertEquals(27, events.length, "every event record is a permitted subclass");
    for (Class<?> event : events) {
      assertTrue(event.isRecord(), event + " is a record");
      for (RecordComponent c : event.getRecordComponents()) {
        assertFalse(SECRET_NAME.matcher(c.getName().toLowerCase(Locale.ROOT)).matches(),
            event.getSimpleName() + "." + c.getName() + " sounds like a secret");
        Type type = c.getGenericType();
        if (type instanceof ParameterizedType p) {
          assertEquals(Optional.class, p.getRawType(), event.getSimpleName() + "." + c.getName());
          type = p.getActualTypeArguments()[0];
        }
        assertTrue(ALLOWED_TYPES.contains(type), event.getSimpleName() + "." + c.getName()
            + " has type " + type + "; only text, numbers and outcomes may be audited");
      }
    }
  }
}
