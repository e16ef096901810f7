package org.p11ca.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.kra.KeyRecovery;
import org.p11ca.ca.kra.KraAgentAuthentication;
import org.p11ca.ca.kra.RecoveryApprovals;
import org.p11ca.ca.repository.Agent;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.PinSource;
import org.p11ca.server.config.ServerConfigLoader;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code p11ca recover-key request|approve|release}: agent key recovery from the operator's console. The operator
 * holds the token PIN (through the config), which is what authenticates this command; {@code --agent-cert} names
 * the KRA agent on whose behalf it acts, and that certificate must be this CA's, in good standing, and a KRA_AGENT's.
 * Runs with the server stopped: the audit log has one writer at a time.
 *
 * <pre>
 * p11ca recover-key request --config F --serial HEX --agent-cert agent.pem
 * p11ca recover-key approve --config F --id N --agent-cert agent.pem
 * p11ca recover-key release --config F --id N --agent-cert agent.pem (--password-file F | --password-env V)
 *                           --out key.p12
 * p11ca recover-key list --config F --agent-cert agent.pem
 * p11ca recover-key cancel --config F --id N --agent-cert agent.pem
 * </pre>
 */
@Command(name = "recover-key", mixinStandardHelpOptions = true,
    description = "Recovers an archived private key for a KRA agent, after the configured number of KRA agents"
        + " approved (kra.requiredApprovals), within kra.recoveryLifetime of the request. Run it while the server"
        + " is stopped.",
    subcommands = {RecoverKeyCommand.Request.class, RecoverKeyCommand.Approve.class,
        RecoverKeyCommand.Release.class, RecoverKeyCommand.ListOpen.class, RecoverKeyCommand.Cancel.class})
final class RecoverKeyCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "missing command: request, approve, release, list or cancel");
  }

  /** What every step needs: the config and the acting agent's certificate. */
  static final class AgentOptions {
    @Option(names = "--config", required = true, paramLabel = "<file.yaml>", description = "the server's YAML config")
    Path config;

    @Option(names = "--agent-cert", required = true, paramLabel = "<agent.pem>",
        description = "the certificate of the KRA agent who acts (PEM or DER)")
    Path agentCert;

    /** Opens the CA, authenticates the agent and runs {@code step}; everything is closed afterwards. */
    int run(CommandSpec spec, Step step) throws IOException {
      X509Certificate cert = readCertificate(agentCert);
      try (CaCore core = CaCore.open(ServerConfigLoader.load(config), Clock.systemUTC())) {
        KeyRecovery recovery = core.keyRecovery.orElseThrow(() -> new IllegalStateException("key recovery is off:"
            + " the token has no KRA storage key (keys.kraStorage in " + config + ")"));
        Agent agent = core.kraAgents.authenticate(cert, KraAgentAuthentication.OPERATOR_NAMED_AGENT);
        String line = step.run(core, recovery, agent);
        PrintWriter out = spec.commandLine().getOut();
        out.println("p11ca: " + line);
        out.flush();
      }
      return 0;
    }
  }

  @FunctionalInterface
  interface Step {
    String run(CaCore core, KeyRecovery recovery, Agent agent) throws IOException;
  }

  @Command(name = "request", mixinStandardHelpOptions = true,
      description = "Asks for the archived key of a certificate; prints the recovery id for the approvers.")
  static final class Request implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AgentOptions agent;

    @Option(names = "--serial", required = true, paramLabel = "<hex>",
        description = "the serial number, in hex, of the certificate whose key to recover")
    String serial;

    @Override
    public Integer call() throws IOException {
      BigInteger number = parseSerial(serial);
      return agent.run(spec, (core, recovery, who) -> "key recovery " + recovery.request(number, who)
          + " asked for certificate 0x" + number.toString(16) + " by agent '" + who.name() + "'; it needs "
          + recovery.policy().requiredApprovals() + " KRA agent approval(s) within "
          + recovery.policy().lifetime());
    }
  }

  @Command(name = "approve", mixinStandardHelpOptions = true,
      description = "Approves a key recovery, once per KRA agent.")
  static final class Approve implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AgentOptions agent;

    @Option(names = "--id", required = true, paramLabel = "<n>", description = "the recovery id")
    long id;

    @Override
    public Integer call() throws IOException {
      return agent.run(spec, (core, recovery, who) -> {
        RecoveryApprovals a = recovery.approve(id, who);
        return "key recovery " + id + " approved by agent '" + who.name() + "': " + a.approvals() + " of "
            + a.required() + " approvals" + (a.complete() ? ", ready for release" : "");
      });
    }
  }

  @Command(name = "release", mixinStandardHelpOptions = true,
      description = "Writes the recovered key and its certificate as a PKCS#12 under a password; only the agent"
          + " who asked, once enough agents approved, and only once.")
  static final class Release implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AgentOptions agent;

    @Option(names = "--id", required = true, paramLabel = "<n>", description = "the recovery id")
    long id;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PasswordSource password;

    @Option(names = "--out", required = true, paramLabel = "<key.p12>",
        description = "where to write the PKCS#12 (created owner-only; an existing file is not overwritten)")
    Path out;

    static final class PasswordSource {
      @Option(names = "--password-file", paramLabel = "<file>",
          description = "file whose first line is the PKCS#12 password")
      Path file;

      @Option(names = "--password-env", paramLabel = "<VAR>",
          description = "environment variable holding the PKCS#12 password")
      String variable;
    }

    @Override
    public Integer call() throws IOException {
      char[] secret = readPassword();
      boolean created = false;
      boolean written = false;
      try {
        try {
          KeyRecovery.requireUsablePassword(secret);
        } catch (CaException weak) {
          throw new UsageException(weak.detail());
        }
        // The file is made before the release, which can happen only once: a path that cannot be written must not
        // use the recovery up.
        OwnerOnlyFile.create(out);
        created = true;
        int exit = agent.run(spec, (core, recovery, who) -> {
          byte[] pkcs12 = recovery.release(id, who, secret, core.caChain);
          try {
            Files.write(out, pkcs12, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
          } finally {
            Arrays.fill(pkcs12, (byte) 0);
          }
          return "key recovery " + id + " released to agent '" + who.name() + "' -> " + out;
        });
        written = true;
        return exit;
      } finally {
        Arrays.fill(secret, '\0');
        if (created && !written) {
          Files.deleteIfExists(out);
        }
      }
    }

    private char[] readPassword() {
      PinSource source = password.file != null ? PinSource.file(password.file)
          : PinSource.environment(password.variable);
      try {
        return source.read();
      } catch (HsmException e) {
        // PinSource speaks of PINs; here it is a PKCS#12 password. Its messages name the place, never the value.
        throw new UsageException("cannot read the PKCS#12 password: "
            + e.getMessage().replace("PIN", "password"));
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists the key recoveries still open (neither released, cancelled nor expired), one per line.")
  static final class ListOpen implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AgentOptions agent;

    @Override
    public Integer call() throws IOException {
      return agent.run(spec, (core, recovery, who) -> {
        java.util.List<org.p11ca.ca.repository.KeyRecoveryRecord> open = recovery.listOpen(who);
        StringBuilder b = new StringBuilder(open.size() + " open key recover" + (open.size() == 1 ? "y" : "ies"));
        for (org.p11ca.ca.repository.KeyRecoveryRecord r : open) {
          b.append(System.lineSeparator()).append("  id=").append(r.recoveryId()).append(" serial=0x")
              .append(r.serial().toString(16)).append(" status=").append(r.status()).append(" requester='")
              .append(r.requesterName()).append("' approvals=").append(r.approvals().size()).append('/')
              .append(Math.max(r.requiredApprovals(), recovery.policy().requiredApprovals())).append(" by=")
              .append(r.approvals().stream().map(org.p11ca.ca.repository.RecoveryApproval::approverName)
                  .collect(java.util.stream.Collectors.joining(",", "[", "]")))
              .append(" expires=").append(r.expiresAt());
        }
        return b.toString();
      });
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true,
      description = "Cancels a key recovery that was not released yet; any KRA agent may.")
  static final class Cancel implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AgentOptions agent;

    @Option(names = "--id", required = true, paramLabel = "<n>", description = "the recovery id")
    long id;

    @Override
    public Integer call() throws IOException {
      return agent.run(spec, (core, recovery, who) -> {
        recovery.cancel(id, who);
        return "key recovery " + id + " cancelled by agent '" + who.name() + "'";
      });
    }
  }

  static BigInteger parseSerial(String text) {
    String digits = text.strip();
    digits = digits.regionMatches(true, 0, "0x", 0, 2) ? digits.substring(2) : digits;
    if (!digits.matches("[0-9a-fA-F]{1,40}")) {
      throw new UsageException("--serial must be a certificate serial number in hex, not '" + text + "'");
    }
    return new BigInteger(digits, 16);
  }

  static X509Certificate readCertificate(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      X509CertificateHolder holder;
      if (new String(bytes, java.nio.charset.StandardCharsets.US_ASCII).contains("-----BEGIN")) {
        try (Reader r = Files.newBufferedReader(file); PEMParser pem = new PEMParser(r)) {
          if (!(pem.readObject() instanceof X509CertificateHolder h)) {
            throw new UsageException(file + " holds no PEM CERTIFICATE");
          }
          holder = h;
        }
      } else {
        holder = new X509CertificateHolder(bytes);
      }
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (IOException | CertificateException | RuntimeException e) {
      if (e instanceof UsageException iae && iae.getMessage() != null
          && iae.getMessage().startsWith(file.toString())) {
        throw iae;
      }
      throw new UsageException(file + " is not an X.509 certificate: " + e.getMessage());
    }
  }

}
