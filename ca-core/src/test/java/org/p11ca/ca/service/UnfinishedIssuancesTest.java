package org.p11ca.ca.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.p11ca.ca.repository.CertificateRecord;
import org.p11ca.ca.repository.CertificateStatus;

class UnfinishedIssuancesTest {

  private static CertificateRecord row(long serial, CertificateStatus status) {
    return new CertificateRecord(BigInteger.valueOf(serial), status, Optional.empty(), "caFullCMCUserSignedCert",
        "UID=bob,O=Example", Optional.of(new byte[] {0x30, 0x00}), Optional.empty(), Optional.empty(),
        Optional.empty(), Instant.parse("2026-12-07T19:00:00Z"), Optional.empty(), Optional.empty());
  }

  @Test
  void none_saysNothing() {
    assertEquals(Optional.empty(), UnfinishedIssuances.warning(List.of()));
    assertEquals(Optional.empty(), UnfinishedIssuances.warning(List.of(row(1, CertificateStatus.ISSUED))));
  }

  @Test
  void some_areNamedInHex_withWhatToDo() {
    String line = UnfinishedIssuances.warning(List.of(row(0x1a2b, CertificateStatus.RESERVED),
        row(0x3c4d, CertificateStatus.RESERVED))).orElseThrow();
    assertTrue(line.startsWith("2 serials were reserved for signing but never stored as issued"), line);
    assertTrue(line.contains(": 0x1a2b, 0x3c4d. ") && line.contains("revokeRequest"), line);
    assertTrue(UnfinishedIssuances.warning(List.of(row(7, CertificateStatus.RESERVED))).orElseThrow()
        .startsWith("1 serial was reserved"));
  }

  @Test
  void many_areCountedBeyondTheFirstTen() {
    List<CertificateRecord> rows = IntStream.rangeClosed(1, 25).mapToObj(i -> row(i, CertificateStatus.RESERVED))
        .toList();
    String line = UnfinishedIssuances.warning(rows).orElseThrow();
    assertTrue(line.startsWith("25 serials were"), line);
    assertTrue(line.contains("0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8, 0x9, 0xa and 15 more."), line);
  }
}
