package org.p11ca.bench.cmc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.p11ca.bench.measure.Measurement;
import org.p11ca.hsm.SigningTally;

class CmcReportTest {

  private static final long MS = 1_000_000L;

  /** 1000 issuances in 2 s on 2 cores: 4 ms of core time each, to be accounted for in full. */
  private static IssuanceMeter.Round round(Optional<MachineCpu.Ticks> machine) {
    return round(machine, Optional.empty());
  }

  private static IssuanceMeter.Round round(Optional<MachineCpu.Ticks> machine, Optional<SigningTally> signing) {
    return new IssuanceMeter.Round(8, 1000, 0, 2.0, new long[] {5 * MS}, 100 * MS, Optional.of(3000 * MS),
        signing, machine, false, Optional.empty());
  }

  private static List<String> print(IssuanceMeter.Round round) {
    return print(round, List.of());
  }

  private static List<String> print(IssuanceMeter.Round round, List<SigningTally> rawSigning) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Map<Integer, List<IssuanceMeter.Round>> rounds = new LinkedHashMap<>();
    rounds.put(8, List.of(round));
    new CmcReport(new PrintStream(bytes, true, StandardCharsets.UTF_8),
        CmcBenchOptions.parse("--concurrency", "8"), "https", 2)
        .print(new Measurement(List.of(1000.0)), List.of(1.2, 1.0, 0.9), rawSigning, rounds);
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void coresLine_splitsTheCoreTimePerIssuance() {
    // busy 3.3 s (server 3 s, load generator 0.1 s, so 0.2 s others), idle 0.6 s, steal 0.1 s: 4 s in all.
    List<String> lines = print(round(Optional.of(new MachineCpu.Ticks(330, 60, 10))));
    assertTrue(lines.contains("ratio concurrency=8 issuance/raw=0.50"), String.join("\n", lines));
    // Signatures: 2 x the median raw CPU per sign (1.0 ms); budget for 0.35: 1.0 / 0.35 - 2.
    assertEquals("cores concurrency=8 core_ms_per_issue=4.000 signatures_ms=2.000 server_other_ms=1.000"
        + " loadgen_ms=0.100 other_processes_ms=0.200 idle_ms=0.600 steal_ms=0.100 other_budget_ms_for_0.35=0.857",
        lines.stream().filter(l -> l.startsWith("cores ")).findFirst().orElseThrow());
  }

  @Test
  void coresLine_withoutProcStat_leavesOutWhatOnlyItCouldTell() {
    List<String> lines = print(round(Optional.empty()));
    assertEquals("cores concurrency=8 core_ms_per_issue=4.000 signatures_ms=2.000 server_other_ms=1.000"
        + " loadgen_ms=0.100 other_budget_ms_for_0.35=0.857",
        lines.stream().filter(l -> l.startsWith("cores ")).findFirst().orElseThrow());
  }

  @Test
  void coresLine_withSigningTallies_splitsTheServersOtherWorkIntoDearerSignaturesAndTheCasOwnWork() {
    // Raw: 1.0 ms of thread CPU per signature over two repeats; the server: 2000 signatures for 1000 issuances at
    // 1.2 ms each, so signing cost 2 x 0.2 ms more per issuance there, and of the server's other 1.0 ms 0.6 was its
    // own work.
    List<String> lines = print(round(Optional.empty(), Optional.of(new SigningTally(2000, 2500 * MS, 2400 * MS))),
        List.of(new SigningTally(1000, 950 * MS, 900 * MS), new SigningTally(1000, 1150 * MS, 1100 * MS)));
    assertEquals("cores concurrency=8 core_ms_per_issue=4.000 signatures_ms=2.000 server_other_ms=1.000"
        + " loadgen_ms=0.100 sign_cpu_raw_ms=1.000 sign_cpu_server_ms=1.200 server_signing_extra_ms=0.400"
        + " server_ca_work_ms=0.600 other_budget_ms_for_0.35=0.857",
        lines.stream().filter(l -> l.startsWith("cores ")).findFirst().orElseThrow());
  }

  @Test
  void coresLine_withoutTheServersTally_leavesTheSplitOut() {
    List<String> lines = print(round(Optional.empty()), List.of(new SigningTally(1000, 950 * MS, 900 * MS)));
    assertEquals("cores concurrency=8 core_ms_per_issue=4.000 signatures_ms=2.000 server_other_ms=1.000"
        + " loadgen_ms=0.100 other_budget_ms_for_0.35=0.857",
        lines.stream().filter(l -> l.startsWith("cores ")).findFirst().orElseThrow());
  }

  @Test
  void median_ofAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertEquals(1.5, CmcReport.median(List.of(2.0, 1.0, 9.0, 0.5)));
    assertEquals(1.0, CmcReport.median(List.of(1.2, 1.0, 0.9)));
  }
}
