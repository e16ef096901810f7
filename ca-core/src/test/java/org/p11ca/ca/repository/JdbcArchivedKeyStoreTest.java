package org.p11ca.ca.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.util.Optional;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.kra.ArchivedKey;
import org.p11ca.hsm.WrapMechanism;
import org.p11ca.hsm.WrappedKey;

/** Archived keys keep their wrap mechanism (and IV) so the token can unwrap them again, and find their serial. */
class JdbcArchivedKeyStoreTest {

  @TempDir
  Path dir;

  @Test
  void archivedKey_roundTrips_byRequestAndOnceLinkedBySerial() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    SubjectPublicKeyInfo pub = SubjectPublicKeyInfo.getInstance(g.generateKeyPair().getPublic().getEncoded());
    byte[] iv = new byte[16];
    iv[3] = 7;
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      long requestId = new JdbcRequestStore(db, Clock.systemUTC()).create(new NewRequest(RequestStatus.PENDING,
          "p", "UID=x", "UID=x", Optional.empty())).id();
      JdbcArchivedKeyStore store = new JdbcArchivedKeyStore(db, Clock.systemUTC());
      store.save(requestId, new ArchivedKey(new WrappedKey(new WrapMechanism.AesCbcPad(iv), new byte[] {9, 8, 7}),
          "kra-storage", pub));
      ArchivedKey back = store.findByRequest(requestId).orElseThrow();
      assertArrayEquals(iv, assertInstanceOf(WrapMechanism.AesCbcPad.class, back.wrapped().mechanism()).iv());
      assertArrayEquals(new byte[] {9, 8, 7}, back.wrapped().bytes());
      assertEquals(pub, back.publicKey());
      assertTrue(store.findBySerial(BigInteger.valueOf(0x45)).isEmpty());
      store.linkCertificate(requestId, BigInteger.valueOf(0x45));
      assertEquals("kra-storage", store.findBySerial(BigInteger.valueOf(0x45)).orElseThrow().storageKey());
    }
  }
}
