package org.p11ca.bench.cmc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.p11ca.hsm.testing.SoftHsm;

/**
 * A short `bench cmc --transport in-process` run for tests: concurrency 2, one 1 s round, no warm-up or settling, two
 * identities, plus the caller's options. It must exit 0, and every answer was checked in full on the way.
 */
final class InProcessRun {

  final List<String> lines;
  final String all;

  private InProcessRun(List<String> lines) {
    this.lines = lines;
    this.all = String.join("\n", lines);
  }

  static InProcessRun of(String... options) {
    List<String> args = new ArrayList<>(List.of("--library", SoftHsm.library().toString(), "--transport",
        "in-process", "--concurrency", "2", "--repeats", "1", "--seconds", "1", "--warmup", "0", "--settle", "0",
        "--identities", "2"));
    args.addAll(List.of(options));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status = CmcBench.main(args.toArray(String[]::new), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    InProcessRun run = new InProcessRun(bytes.toString(StandardCharsets.UTF_8).lines().toList());
    assertEquals(0, status, run.all);
    return run;
  }

  /** The first line {@code pattern} finds something in, or a failure showing the whole output. */
  Matcher find(Pattern pattern, String what) {
    return lines.stream().map(pattern::matcher).filter(Matcher::find).findFirst()
        .orElseThrow(() -> new AssertionError("no " + what + ":\n" + all));
  }
}
