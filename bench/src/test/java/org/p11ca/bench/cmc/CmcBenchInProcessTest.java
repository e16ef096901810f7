package org.p11ca.bench.cmc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.p11ca.bench.FreshTokenDirectory;
import org.p11ca.hsm.testing.SoftHsm;

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
  private static final Pattern BYTES_PER_ROW = Pattern.compile("^db used_bytes=\\d+ bytes_per_issued_row=(\\d+) \\(");

  @BeforeAll
  static void freshTokenAndWorkDirectory() throws IOException {
    FreshTokenDirectory.prepare();
  }

  @Test
  void issuesInThisJvmAndCountsItsCpuAsTheCas() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status = CmcBench.main(new String[] {"--library", SoftHsm.library().toString(), "--transport", "in-process",
        "--concurrency", "2", "--repeats", "1", "--seconds", "1", "--warmup", "0", "--settle", "0", "--identities",
        "2"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    String all = String.join("\n", lines);
    assertEquals(0, status, all);

    Matcher cmc = lines.stream().map(CMC_LINE::matcher).filter(Matcher::matches).findFirst()
        .orElseThrow(() -> new AssertionError("no in-process cmc line:\n" + all));
    assertTrue(Integer.parseInt(cmc.group(2)) > 0, all);
    // Two token signatures per issuance at least: the CA's CPU is this JVM's, not zero.
    assertTrue(Double.parseDouble(cmc.group(3)) > 0.1, all);
    assertTrue(lines.stream().anyMatch(l -> l.matches("^ratio concurrency=2 issuance/raw=0\\.\\d\\d$")), all);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("cores concurrency=2 ") && l.contains(" loadgen_ms=0.000")),
        all);
    // The token's tally split the CA's work: a SoftHSM RSA-2048 signature takes a tenth of a millisecond of thread
    // CPU at the very least, in the raw trial and in the CA alike.
    Matcher split = lines.stream().map(SIGNING_SPLIT::matcher).filter(Matcher::find).findFirst()
        .orElseThrow(() -> new AssertionError("no signing split in the cores line:\n" + all));
    assertTrue(Double.parseDouble(split.group(1)) > 0.1 && Double.parseDouble(split.group(2)) > 0.1, all);
    // No server, so no TLS certificate row: the bootstrap's two signers and the counted issuances, all ISSUED.
    assertTrue(lines.stream().anyMatch(l -> l.matches("^db issued_rows=\\d+ counted_issuances=\\d+"
        + " bootstrap_and_tls=2 ok$")), all);
    // Storage per certificate: at least its base64 DER (an RSA-2048 subscriber's is over 1 KB).
    Matcher storage = lines.stream().map(BYTES_PER_ROW::matcher).filter(Matcher::find).findFirst()
        .orElseThrow(() -> new AssertionError("no storage line:\n" + all));
    assertTrue(Long.parseLong(storage.group(1)) > 1000, all);
    // The raw trial's signature alone, back to back and after other work: SoftHSM's RSA-2048 takes a tenth of a
    // millisecond at the very least either way.
    Matcher interleave = lines.stream().map(INTERLEAVE::matcher).filter(Matcher::find).findFirst()
        .orElseThrow(() -> new AssertionError("no interleave line:\n" + all));
    for (int g = 1; g <= 3; g++) {
      assertTrue(Double.parseDouble(interleave.group(g)) > 0.1, all);
    }
  }
}
