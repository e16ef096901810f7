package org.p11ca.bench.crl;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.p11ca.bench.hsm.BenchToken;
import org.p11ca.bench.hsm.HsmBench;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.audit.AuditSigner;
import org.p11ca.ca.audit.CheckpointPolicy;
import org.p11ca.ca.crl.CrlGenerator;
import org.p11ca.ca.crl.CrlPublisher;
import org.p11ca.ca.crl.CrlSettings;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.repository.CaDatabase;
import org.p11ca.ca.repository.JdbcCertificateStore;
import org.p11ca.ca.repository.JdbcCrlStore;
import org.p11ca.ca.repository.StoredCrl;
import org.p11ca.ca.service.CaSigner;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.EcCurve;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.bc.TokenContentSigner;
import org.p11ca.hsm.pkcs11.Pkcs11Library;

/**
 * `bench crl`: how long CrlPublisher.generateNow takes (read the revoked rows, build the CRL, sign once on the
 * token with an RSA-2048 CA key, verify, store, audit) at each number of revoked entries, on a fresh SoftHSM token
 * and a SQLite database in the run's temporary directory. Each size: one untimed generation (JIT, page cache), its
 * entry count checked, then the timed ones; one line per size with the median.
 */
public final class CrlBench {

  private static final String TOKEN_LABEL = "p11ca-bench-crl";
  private static final X500Name CA_NAME = new X500Name("CN=p11ca CRL Bench CA,O=Example");
  private static final java.util.logging.Logger FLYWAY_LOG = java.util.logging.Logger.getLogger("org.flywaydb");

  private final CrlBenchOptions options;
  private final PrintStream out;

  private CrlBench(CrlBenchOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Parses the options and runs; the process exit status. */
  public static int main(String[] args, PrintStream out) {
    CrlBenchOptions options;
    try {
      options = CrlBenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench crl: " + e.getMessage());
      return 2;
    }
    return new CrlBench(options, out).run();
  }

  private int run() {
    Optional<String> refusal = HsmBench.refusalToTouchTokens();
    if (refusal.isPresent()) {
      System.err.println("bench crl: " + refusal.get());
      return 1;
    }
    FLYWAY_LOG.setLevel(java.util.logging.Level.WARNING);
    Path dataDir = Path.of(System.getenv("SOFTHSM2_CONF")).toAbsolutePath().getParent().resolve("crl-data");
    out.printf(Locale.ROOT, "# bench crl: library=%s sizes=%s repeats=%d (median, min..max of the timed"
        + " generations)%n", options.library(), options.sizes(), options.repeats());
    Clock clock = Clock.systemUTC();
    try {
      Files.createDirectories(dataDir);
      BenchToken benchToken = BenchToken.initialize(options.library(), TOKEN_LABEL);
      try (Token token = Pkcs11Library.open(benchToken.config(Backend.IAIK, 2));
          CaDatabase db = CaDatabase.openSqlite(dataDir)) {
        KeyHandle caKey = token.generateKeyPair(new KeyPairSpec.Rsa(2048),
            KeyAttributes.persistent("ca-signing", org.p11ca.hsm.KeyUsage.SIGN));
        KeyHandle auditKey = token.generateKeyPair(new KeyPairSpec.Ec(EcCurve.P256),
            KeyAttributes.persistent("audit-signing", org.p11ca.hsm.KeyUsage.SIGN));
        CaSigner signer = new CaSigner(token, caKey, SignatureAlgorithm.RSA_PKCS1_SHA256,
            List.of(selfSigned(token, caKey, clock.instant())));
        try (AuditLog audit = AuditLog.open(dataDir.resolve("audit.log"), AuditSigner.of(token, auditKey),
            CheckpointPolicy.defaults(), clock)) {
          JdbcCertificateStore certificates = new JdbcCertificateStore(db, clock);
          JdbcCrlStore crls = new JdbcCrlStore(db, clock);
          try (CrlPublisher publisher = new CrlPublisher(new CrlGenerator(signer, certificates, crls,
              CrlSettings.DEFAULT.validity(), clock), crls, certificates, CrlSettings.DEFAULT, audit, clock)) {
            return measure(db, publisher, clock);
          }
        }
      }
    } catch (HsmException e) {
      System.err.println("bench crl: " + e.reason() + ": " + e.getMessage());
      return 1;
    } catch (CaException e) {
      System.err.println("bench crl: " + e.failInfo() + ": " + e.detail());
      return 1;
    } catch (IOException | RuntimeException e) {
      System.err.println("bench crl: " + e);
      return 1;
    }
  }

  private int measure(CaDatabase db, CrlPublisher publisher, Clock clock) throws IOException {
    out.println("# op=generateNow: read revoked rows (serial order), X509v2CRLBuilder, one RSA-2048 PKCS#1 SHA-256"
        + " signature on the token, verify, store (base64 in SQLite, fsync), audit (FULL_CRL_GENERATION)");
    RevokedRows rows = new RevokedRows(db);
    for (int size : options.sizes()) {
      long setup = System.nanoTime();
      rows.growTo(size, clock.instant().minusSeconds(3600));
      out.printf(Locale.ROOT, "# setup: %d revoked rows in the database (%.1f s to add)%n", rows.inserted(),
          (System.nanoTime() - setup) / 1e9);
      StoredCrl checked = publisher.generateNow();
      int entries = new X509CRLHolder(checked.der()).getRevokedCertificates().size();
      if (entries != size) {
        System.err.println("bench crl: a CRL of " + size + " revoked rows listed " + entries + " entries");
        return 1;
      }
      double[] millis = new double[options.repeats()];
      for (int i = 0; i < millis.length; i++) {
        long start = System.nanoTime();
        publisher.generateNow();
        millis[i] = (System.nanoTime() - start) / 1e6;
      }
      double[] sorted = millis.clone();
      Arrays.sort(sorted);
      out.printf(Locale.ROOT, "crl revoked=%d median_ms=%.1f min_ms=%.1f max_ms=%.1f crl_bytes=%d"
          + " us_per_entry=%.2f repeats=%d%n", size, median(sorted), sorted[0], sorted[sorted.length - 1],
          checked.der().length, size == 0 ? 0.0 : median(sorted) * 1000 / size, options.repeats());
      out.flush();
    }
    return 0;
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static X509CertificateHolder selfSigned(Token token, KeyHandle key, Instant now) throws IOException {
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(token.publicKey(key).getEncoded());
    X509v3CertificateBuilder b = new X509v3CertificateBuilder(CA_NAME, BigInteger.ONE,
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))), CA_NAME, spki);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return b.build(new TokenContentSigner(token, key, SignatureAlgorithm.RSA_PKCS1_SHA256));
  }
}
