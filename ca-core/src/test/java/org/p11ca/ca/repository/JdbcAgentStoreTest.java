package org.p11ca.ca.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcAgentStoreTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-15T10:00:00Z"), ZoneOffset.UTC);
  private static final String ISSUER = "CN=CA Signing Certificate,OU=pki-tomcat,O=Example Security Domain";
  private static final CertificateId AGENT_CERT = new CertificateId(ISSUER, BigInteger.valueOf(6));

  @TempDir
  Path dir;

  @Test
  void grant_thenFind_returnsNameAndRoles() {
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      AgentStore store = new JdbcAgentStore(db, CLOCK);
      store.grant(AGENT_CERT, "caadmin", Set.of(AgentRole.CA_AGENT, AgentRole.AUDITOR));

      assertEquals(Optional.of(new Agent(AGENT_CERT, "caadmin", Set.of(AgentRole.CA_AGENT, AgentRole.AUDITOR))),
          store.findAgent(AGENT_CERT));
      assertTrue(store.hasRole(AGENT_CERT, AgentRole.CA_AGENT));
      assertFalse(store.hasRole(AGENT_CERT, AgentRole.KRA_AGENT));
    }
  }

  @Test
  void findAgent_sameIssuerWrittenDifferently_matches() {
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      AgentStore store = new JdbcAgentStore(db, CLOCK);
      store.grant(AGENT_CERT, "caadmin", Set.of(AgentRole.CA_AGENT));
      CertificateId spelledDifferently = new CertificateId(
          "cn=ca signing certificate, ou=pki-tomcat, o=example security domain", BigInteger.valueOf(6));
      assertTrue(store.hasRole(spelledDifferently, AgentRole.CA_AGENT));
    }
  }

  @Test
  void findAgent_otherSerialOrIssuer_isEmpty() {
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      AgentStore store = new JdbcAgentStore(db, CLOCK);
      store.grant(AGENT_CERT, "caadmin", Set.of(AgentRole.CA_AGENT));
      assertTrue(store.findAgent(new CertificateId(ISSUER, BigInteger.valueOf(7))).isEmpty());
      assertTrue(store.findAgent(new CertificateId("CN=Other CA", BigInteger.valueOf(6))).isEmpty());
    }
  }

  @Test
  void grant_again_isIdempotentAndAddsNewRoles() {
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      AgentStore store = new JdbcAgentStore(db, CLOCK);
      store.grant(AGENT_CERT, "caadmin", Set.of(AgentRole.CA_AGENT));
      store.grant(AGENT_CERT, "caadmin", Set.of(AgentRole.CA_AGENT, AgentRole.KRA_AGENT));
      assertEquals(Set.of(AgentRole.CA_AGENT, AgentRole.KRA_AGENT),
          store.findAgent(AGENT_CERT).orElseThrow().roles());
    }
  }

  @Test
  void removeAgent_removesAllRoles() {
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      AgentStore store = new JdbcAgentStore(db, CLOCK);
      store.grant(AGENT_CERT, "caadmin", Set.of(AgentRole.CA_AGENT, AgentRole.AUDITOR));
      assertTrue(store.removeAgent(AGENT_CERT));
      assertTrue(store.findAgent(AGENT_CERT).isEmpty());
      assertFalse(store.removeAgent(AGENT_CERT));
    }
  }

  @Test
  void agents_surviveReopen() {
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      new JdbcAgentStore(db, CLOCK).grant(AGENT_CERT, "caadmin", Set.of(AgentRole.KRA_AGENT));
    }
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      assertTrue(new JdbcAgentStore(db, CLOCK).hasRole(AGENT_CERT, AgentRole.KRA_AGENT));
    }
  }
}
