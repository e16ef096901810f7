package org.p11ca.bench.cmc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.p11ca.bench.FreshTokenDirectory;

/**
 * `bench cmc --transport in-process` end to end on a SoftHSM token: the CA facade issues in this JVM, every answer
 * is checked in full, and the CPU the run measured is the CA's (no load generator of its own to tell apart).
 */
class CmcBenchInProcessTest {

  private static final Pattern CMC_LINE = Pattern.compile("^cmc ca_key=rsa2048 transport=in-process concurrency=2"
      + " issued_per_s=([0-9.]+) .* issued=(\\d+) failed=0 tls_connections_per_round=0 loadgen_cpu_ms_per_issue=0.000"
      + " loadgen_cpu_cores=0.00 server_cpu_ms_per_issue=([0-9.]+) .*$");

  private static final Pattern SIGNING_SPLIT = Pattern.compile("^cores concurrency=2 .* sign_cpu_raw_ms=([0-9.]+)"
      + " sign_cpu_server_ms=([0-9.]+) server_signing_extra_ms=-?[0-9.]+ server_ca_work_ms=-?[0-9.]+ ");
  private static final Pattern INTERLEAVE = Pattern.compile("^interleave backend=iaik"
      + " op=sign-rsa2048-pkcs1-sha256 back_to_back_ms=([0-9.]+)\\(.* after_1ms_registers_ms=([0-9.]+)\\(.*"
      + " after_1ms_memory_ms=([0-9.]+)\\(");
  private static final Pattern AUDIT_TRAIL = Pattern.compile("^audit files=1 bytes=\\d+ records=\\d+"
      + " bytes_per_issued_row=(\\d+) trail=intact \\(");
  private static final Pattern BYTES_PER_ROW = Pattern.compile("^db used_bytes=\\d+ bytes_per_issued_row=(\\d+) \\(");

  @BeforeAll
  static void freshTokenAndWorkDirectory() throws IOException {
    FreshTokenDirectory.prepare();
  }

  @Test
  void issuesInThisJvmAndCountsItsCpuAsTheCas() {
    InProcessRun run = InProcessRun.of();
    List<String> lines = run.lines;
    String all = run.all;

    Matcher cmc = run.find(CMC_LINE, "in-process cmc line");
    assertTrue(Integer.parseInt(cmc.group(2)) > 0, all);
    // Two token signatures per issuance at least: the CA's CPU is this JVM's, not zero.
    assertTrue(Double.parseDouble(cmc.group(3)) > 0.1, all);
    assertTrue(lines.stream().anyMatch(l -> l.matches("^ratio concurrency=2 issuance/raw=0\\.\\d\\d$")), all);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("cores concurrency=2 ") && l.contains(" loadgen_ms=0.000")),
        all);
    // The token's tally split the CA's work: a SoftHSM RSA-2048 signature takes a tenth of a millisecond of thread
    // CPU at the very least, in the raw trial and in the CA alike.
    Matcher split = run.find(SIGNING_SPLIT, "signing split in the cores line");
    assertTrue(Double.parseDouble(split.group(1)) > 0.1 && Double.parseDouble(split.group(2)) > 0.1, all);
    // No server, so no TLS certificate row: the bootstrap's two signers and the counted issuances, all ISSUED.
    assertTrue(lines.stream().anyMatch(l -> l.matches("^db issued_rows=\\d+ counted_issuances=\\d+"
        + " bootstrap_and_tls=2 ok$")), all);
    // Storage per certificate: at least its base64 DER (an RSA-2048 subscriber's is over 1 KB).
    Matcher storage = run.find(BYTES_PER_ROW, "storage line");
    assertTrue(Long.parseLong(storage.group(1)) > 1000, all);
    // The audit log written under load verifies; each issuance is several records of a few hundred bytes.
    Matcher audit = run.find(AUDIT_TRAIL, "audit line");
    assertTrue(Long.parseLong(audit.group(1)) > 500, all);
    // The raw trial's signature alone, back to back and after other work: SoftHSM's RSA-2048 takes a tenth of a
    // millisecond at the very least either way.
    Matcher interleave = run.find(INTERLEAVE, "interleave line");
    for (int g = 1; g <= 3; g++) {
      assertTrue(Double.parseDouble(interleave.group(g)) > 0.1, all);
    }
  }
}
