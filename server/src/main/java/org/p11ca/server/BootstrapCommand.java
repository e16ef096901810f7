package org.p11ca.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.p11ca.ca.issuance.IssuedCertificate;
import org.p11ca.ca.repository.AgentRole;
import org.p11ca.ca.service.AgentAdministration;
import org.p11ca.server.config.ServerConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code p11ca bootstrap}: issues a certificate from a PKCS#10 on the operator's authority, without CMC, so the
 * user-signed and agent-signed flows have a first signer. The operator proves authority by holding the CA token's
 * PIN (named in the config). Runs with the server stopped: the audit log has one writer at a time.
 */
@Command(name = "bootstrap", mixinStandardHelpOptions = true,
    description = "Issues a first certificate (e.g. an agent's) from a PKCS#10, audited; optionally makes it an"
        + " agent certificate. Run it while the server is stopped.")
final class BootstrapCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--config", required = true, paramLabel = "<file.yaml>", description = "the server's YAML config")
  Path config;

  @Option(names = "--csr", required = true, paramLabel = "<file>", description = "the PKCS#10 (PEM or DER)")
  Path csr;

  @Option(names = "--profile", paramLabel = "<id>", defaultValue = "caFullCMCUserCert",
      description = "the profile to issue with (default: ${DEFAULT-VALUE})")
  String profile;

  @Option(names = "--agent", paramLabel = "<name>",
      description = "make the certificate an agent's, with this name (role CA_AGENT, or those of --role)")
  Optional<String> agent;

  @Option(names = "--role", paramLabel = "<role>", split = ",",
      description = "roles for --agent: CA_AGENT, KRA_AGENT, AUDITOR (default CA_AGENT)")
  Set<AgentRole> roles;

  @Option(names = "--operator", paramLabel = "<name>", description = "who is issuing, for the audit log"
      + " (default: the login name)")
  Optional<String> operator;

  @Option(names = "--out", required = true, paramLabel = "<cert.pem>", description = "where to write the certificate")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (roles != null && agent.isEmpty()) {
      throw new UsageException("--role needs --agent");
    }
    PKCS10CertificationRequest request = readCsr(csr);
    if (Files.exists(out)) {
      throw new UsageException(out + " exists; refusing to overwrite it");
    }
    String who = operator.orElse("operator:" + System.getProperty("user.name"));
    try (CaCore core = CaCore.open(ServerConfigLoader.load(config), Clock.systemUTC())) {
      IssuedCertificate issued = core.cmc.enrollByOperator(request, profile, who);
      writePem(out, issued.cert());
      if (agent.isPresent()) {
        Set<AgentRole> granted = roles == null || roles.isEmpty() ? EnumSet.of(AgentRole.CA_AGENT) : roles;
        new AgentAdministration(core.agents, core.audit).grant(issued.cert(), agent.get(), granted, who);
      }
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.println("p11ca: issued " + issued.cert().getSubject() + " serial 0x" + issued.serial().toString(16)
          + " (profile " + profile + ")" + agent.map(a -> ", agent '" + a + "'").orElse("") + " -> " + out);
      stdout.flush();
    }
    return 0;
  }

  private static PKCS10CertificationRequest readCsr(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.US_ASCII);
    try {
      if (text.contains("-----BEGIN")) {
        try (Reader r = new StringReader(text); PEMParser pem = new PEMParser(r)) {
          if (pem.readObject() instanceof PKCS10CertificationRequest csr) {
            return csr;
          }
          throw new UsageException(file + " holds no PEM CERTIFICATE REQUEST");
        }
      }
      return new PKCS10CertificationRequest(bytes);
    } catch (IOException | RuntimeException e) {
      if (e instanceof UsageException iae && iae.getMessage() != null
          && iae.getMessage().startsWith(file.toString())) {
        throw iae;
      }
      throw new UsageException(file + " is not a PKCS#10 certification request: " + e.getMessage());
    }
  }

  private static void writePem(Path file, X509CertificateHolder cert) throws IOException {
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
      w.writeObject(cert);
    }
    Files.writeString(file, pem.toString(), StandardOpenOption.CREATE_NEW);
  }
}
