package org.p11ca.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.p11ca.ca.audit.AuditLogFiles;
import org.p11ca.ca.audit.AuditLogVerifier;
import org.p11ca.ca.audit.VerificationResult;
import org.p11ca.server.config.ServerConfig;
import org.p11ca.server.config.ServerConfigLoader;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code p11ca audit-verify}: checks an audit log's hash chain and signed checkpoints with the audit key's public
 * half, and names the first line that does not verify. With {@code --config} the files the log was rotated into
 * are checked too, oldest first, each linked to the one before (a line per file). Needs no PIN: the server writes the public key beside the
 * log ({@value CaCore#AUDIT_PUBLIC_KEY_FILE}). Exit 0 when intact, 1 when broken or cut short by a crash (then
 * {@code p11ca audit-repair} can clear it).
 */
@Command(name = "audit-verify", mixinStandardHelpOptions = true,
    description = "Verifies an audit log (hash chain and signed checkpoints); names the first bad line.")
final class AuditVerifyCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--config", paramLabel = "<file.yaml>",
        description = "take the log and the public key from the server's config")
    Path config;

    @Option(names = "--log", paramLabel = "<audit.log>", description = "the log (needs --public-key)")
    Path log;
  }

  @Option(names = "--public-key", paramLabel = "<pem>",
      description = "the audit key's public key or certificate (default with --config: beside the log)")
  Path publicKey;

  @Override
  public Integer call() throws IOException {
    Path log;
    Path keyFile;
    if (source.config != null) {
      ServerConfig config = ServerConfigLoader.load(source.config);
      log = config.audit().file();
      keyFile = publicKey != null ? publicKey : log.resolveSibling(CaCore.AUDIT_PUBLIC_KEY_FILE);
    } else {
      if (publicKey == null) {
        throw new UsageException("--log needs --public-key");
      }
      log = source.log;
      keyFile = publicKey;
    }
    if (!Files.isRegularFile(log) && (source.config == null || AuditLogFiles.rotated(log).isEmpty())) {
      throw new UsageException("no audit log at " + log);
    }
    PublicKey key = readPublicKey(keyFile);
    List<AuditLogVerifier.FileCheck> files;
    Optional<String> gap = Optional.empty();
    if (source.config != null) {
      // The log and every file rotated away from it, as one chain.
      AuditLogVerifier.TrailCheck trail = AuditLogVerifier.verifyTrail(log, key);
      files = trail.files();
      gap = trail.gap();
    } else {
      files = List.of(AuditLogVerifier.check(log, key));
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (AuditLogVerifier.FileCheck file : files) {
      if (!(file.result() instanceof VerificationResult.Intact intact)) {
        err.println(failure(file.file(), file.result()));
        err.flush();
        return 1;
      }
      out.println("p11ca: audit log " + file.file() + " is intact: " + intact.records() + " records, "
          + intact.checkpoints() + " signed checkpoints"
          + (file.lastSeq() > 0 ? ", records " + file.firstSeq() + "-" + file.lastSeq() : "")
          + file.continues().map(c -> ", continuing " + c).orElse("")
          + intact.warning().map(w -> " (warning: " + w + ")").orElse(""));
    }
    out.flush();
    if (gap.isPresent()) {
      err.println("p11ca: the audit log's files do not form one chain: " + gap.get());
      err.flush();
      return 1;
    }
    return 0;
  }

  private static String failure(Path log, VerificationResult result) {
    if (result instanceof VerificationResult.CutShort cut) {
      return "p11ca: audit log " + log + " ends in line " + cut.lineNumber() + " cut short (" + cut.cutBytes()
          + " bytes without a line feed, as a crash during a write leaves); the " + (cut.lineNumber() - 1)
          + " lines before it verify (" + cut.before().records() + " records, " + cut.before().checkpoints()
          + " signed checkpoints); p11ca audit-repair sets the fragment aside";
    }
    VerificationResult.Broken broken = (VerificationResult.Broken) result;
    return "p11ca: audit log " + log + " does not verify at line " + broken.lineNumber() + ": " + broken.reason();
  }

  private static PublicKey readPublicKey(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new UsageException("no public key at " + file);
    }
    try (Reader r = Files.newBufferedReader(file); PEMParser pem = new PEMParser(r)) {
      Object o = pem.readObject();
      SubjectPublicKeyInfo spki = o instanceof SubjectPublicKeyInfo s ? s
          : o instanceof X509CertificateHolder c ? c.getSubjectPublicKeyInfo() : null;
      if (spki == null) {
        throw new UsageException(file + " holds no PEM PUBLIC KEY or CERTIFICATE");
      }
      // The converter, not BouncyCastleProvider.getPublicKey: that one answers null until a provider instance has
      // registered its key converters, which nothing does in this short-lived process.
      return new JcaPEMKeyConverter().setProvider(new BouncyCastleProvider()).getPublicKey(spki);
    }
  }
}
