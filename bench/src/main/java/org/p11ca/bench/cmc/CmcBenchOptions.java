package org.p11ca.bench.cmc;

import org.p11ca.bench.CaKeyType;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.p11ca.bench.BenchOptions;

/**
 * Options of `bench cmc`. The defaults keep one run (one CA key type) at about four minutes on two cores: five
 * trials (the raw sign rate and four concurrencies) interleaved in 3 rounds of 3 s, after one warm-up round of 10 s
 * each (the server's JIT is still compiling for the first 20 s or so of load).
 *
 * @param sessions the token session pool of the server, which is also the number of threads the raw sign rate is
 *     measured with: the server runs at most that many token operations at once (WorkerThreads)
 * @param subscriberKeys whether each identity renews its one key (the default, comparable across runs) or every
 *     request brings a key the CA has not seen
 * @param subscriberKeyType the subscribers' keys: their signer certificates' and the ones they ask to certify
 * @param settle at most this long, before the warm-up, the CA is loaded until its JIT compilers are quiet (a CA
 *     that has run for a while): C2 is still compiling for a couple of minutes, and its CPU is taken from the same
 *     two cores; zero skips it
 * @param transport how requests reach the CA: HTTPS to the real server in a JVM of its own (the default, what
 *     subscribers see), or the CA facade called in the bench's own JVM, which tells what issuance costs without
 *     HTTP, TLS and the loopback network
 */
record CmcBenchOptions(Duration measurement, int repeats, Duration warmup, Path library, CaKeyType caKey,
    List<Integer> concurrencies, int sessions, int identities, Duration settle, SubscriberKeys subscriberKeys,
    SubscriberKeyType subscriberKeyType, Transport transport) {

  /** {@code --transport}. */
  enum Transport {
    HTTPS("https"), IN_PROCESS("in-process");

    private final String optionName;

    Transport(String optionName) {
      this.optionName = optionName;
    }

    String optionName() {
      return optionName;
    }

    static Transport parse(String value) {
      for (Transport t : values()) {
        if (t.optionName.equals(value)) {
          return t;
        }
      }
      throw new IllegalArgumentException("--transport takes https or in-process, not '" + value + "'");
    }
  }

  static final List<Integer> DEFAULT_CONCURRENCIES = List.of(1, 2, 8, 32);

  CmcBenchOptions {
    if (measurement.compareTo(Duration.ofMillis(500)) < 0 || measurement.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("--seconds must be 0.5..600");
    }
    if (repeats < 1 || repeats > 100) {
      throw new IllegalArgumentException("--repeats must be 1..100");
    }
    if (warmup.isNegative() || warmup.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("--warmup must be 0..60 seconds");
    }
    if (settle.isNegative() || settle.compareTo(Duration.ofMinutes(15)) > 0) {
      throw new IllegalArgumentException("--settle must be 0..900 seconds");
    }
    concurrencies = List.copyOf(concurrencies);
    if (concurrencies.isEmpty() || concurrencies.stream().anyMatch(c -> c < 1 || c > 256)) {
      throw new IllegalArgumentException("--concurrency takes a comma-separated list of 1..256");
    }
    if (sessions < 1 || sessions > 64) {
      throw new IllegalArgumentException("--sessions must be 1..64");
    }
    if (identities < 1 || identities > 256) {
      throw new IllegalArgumentException("--identities must be 1..256");
    }
  }

  static CmcBenchOptions parse(String... args) {
    Duration measurement = Duration.ofSeconds(3);
    int repeats = 3;
    // 10 s, not 4: the server's C2 compiler still took 14-22% of its CPU 20 s into a run with 4 s of warm-up, and
    // that compile time is a start-up cost, not a per-issuance one. Each trial warms up once, so this adds 5 x 6 s.
    Duration warmup = Duration.ofSeconds(10);
    Path library = BenchOptions.SOFTHSM_LIBRARY;
    CaKeyType caKey = CaKeyType.RSA2048;
    List<Integer> concurrencies = DEFAULT_CONCURRENCIES;
    int sessions = org.p11ca.hsm.TokenConfig.DEFAULT_POOL_SIZE;
    int identities = 8;
    Duration settle = Duration.ofMinutes(5);
    SubscriberKeys subscriberKeys = SubscriberKeys.RENEWED;
    SubscriberKeyType subscriberKeyType = SubscriberKeyType.RSA2048;
    Transport transport = Transport.HTTPS;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + name + " needs a value");
      }
      String value = args[++i];
      switch (name) {
        case "--seconds" -> measurement = seconds(name, value);
        case "--warmup" -> warmup = seconds(name, value);
        case "--repeats" -> repeats = integer(name, value);
        case "--library" -> library = Path.of(value);
        case "--ca-key" -> caKey = CaKeyType.parse(value);
        case "--concurrency" -> concurrencies = integers(name, value);
        case "--sessions" -> sessions = integer(name, value);
        case "--identities" -> identities = integer(name, value);
        case "--settle" -> settle = seconds(name, value);
        case "--subscriber-keys" -> subscriberKeys = SubscriberKeys.parse(value);
        case "--subscriber-key-type" -> subscriberKeyType = SubscriberKeyType.parse(value);
        case "--transport" -> transport = Transport.parse(value);
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }
    return new CmcBenchOptions(measurement, repeats, warmup, library, caKey, concurrencies, sessions, identities,
        settle, subscriberKeys, subscriberKeyType, transport);
  }

  String repeatsLabel() {
    return repeats + "x" + BigDecimal.valueOf(measurement.toMillis(), 3).stripTrailingZeros().toPlainString() + "s";
  }

  private static Duration seconds(String name, String value) {
    try {
      return Duration.ofMillis(new BigDecimal(value).movePointRight(3).longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(name + " takes seconds, e.g. 2 or 0.5, not '" + value + "'");
    }
  }

  private static int integer(String name, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " takes a whole number, not '" + value + "'");
    }
  }

  private static List<Integer> integers(String name, String value) {
    List<Integer> out = new ArrayList<>();
    for (String part : value.split(",")) {
      out.add(integer(name, part.trim()));
    }
    return out;
  }
}
