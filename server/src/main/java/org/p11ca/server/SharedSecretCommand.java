package org.p11ca.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.bouncycastle.asn1.x500.X500Name;
import org.p11ca.ca.repository.SharedSecretRecord;
import org.p11ca.ca.secret.SharedSecretAdministration;
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
 * {@code p11ca shared-secret create|revoke|list}: the operator's shared secrets for identityProofV2 (what Dogtag's
 * CMCSharedToken makes). The operator proves authority by holding the token PIN (through the config). A created
 * secret is shown once, on stdout or in an owner-only file, for delivery to the subscriber; the CA keeps it only
 * encrypted under the token's shared-secret key. Runs with the server stopped: the audit log has one writer at a
 * time.
 *
 * <pre>
 * p11ca shared-secret create --config F --identification dave [--subject DN] [--lifetime 7d]
 *                            [--max-uses N | --reusable] [--secret-file F | --secret-env V] [--out F]
 * p11ca shared-secret revoke --config F --identification dave
 * p11ca shared-secret list   --config F
 * </pre>
 */
@Command(name = "shared-secret", mixinStandardHelpOptions = true,
    description = "Creates, revokes and lists the shared secrets subscribers prove their identity with"
        + " (identityProofV2, popLinkWitnessV2). Run it while the server is stopped.",
    subcommands = {SharedSecretCommand.Create.class, SharedSecretCommand.Revoke.class,
        SharedSecretCommand.ListSecrets.class})
final class SharedSecretCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing command: create, revoke or list");
  }

  static final class CommonOptions {
    @Option(names = "--config", required = true, paramLabel = "<file.yaml>", description = "the server's YAML config")
    Path config;

    @Option(names = "--operator", paramLabel = "<name>", description = "who acts, for the audit log (default:"
        + " operator:<login name>)")
    Optional<String> operator;

    String operator() {
      return operator.orElse("operator:" + System.getProperty("user.name"));
    }

    /** Opens the CA and runs {@code step} with its shared-secret administration; everything is closed afterwards. */
    <T> T run(Step<T> step) throws IOException {
      try (CaCore core = CaCore.open(ServerConfigLoader.load(config), Clock.systemUTC())) {
        SharedSecretAdministration admin = core.sharedSecrets.orElseThrow(() -> new IllegalStateException(
            "shared secrets are off: the token has no shared-secret key (keys.sharedSecretProtection in " + config
                + "); run scripts/softhsm-init.sh again, or p11ca-token generate-key --purpose"
                + " shared-secret-protection"));
        return step.run(admin);
      }
    }
  }

  @FunctionalInterface
  interface Step<T> {
    T run(SharedSecretAdministration admin) throws IOException;
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Creates the shared secret of an identification (replacing its active one) and shows it once.")
  static final class Create implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--identification", required = true, paramLabel = "<id>",
        description = "the identification (user id) the subscriber will send in the identification control")
    String identification;

    @Option(names = "--subject", paramLabel = "<DN>", description = "bind the secret to this subject (RFC 4514);"
        + " default: any subject whose UID or CN is the identification")
    String subject;

    @Option(names = "--lifetime", paramLabel = "<duration>", description = "how long it is valid, e.g. 7d, 12h,"
        + " PT30M (default: sharedSecrets.defaultLifetime)")
    String lifetime;

    @ArgGroup(exclusive = true)
    Uses uses;

    static final class Uses {
      @Option(names = "--max-uses", paramLabel = "<n>", description = "how many proofs it may make (default 1)")
      Integer maxUses;

      @Option(names = "--reusable", description = "no limit on proofs until it expires")
      boolean reusable;
    }

    @ArgGroup(exclusive = true)
    GivenSecret given;

    static final class GivenSecret {
      @Option(names = "--secret-file", paramLabel = "<file>",
          description = "use the secret in the first line of this file instead of generating one")
      Path file;

      @Option(names = "--secret-env", paramLabel = "<VAR>",
          description = "use the secret in this environment variable instead of generating one")
      String variable;
    }

    @Option(names = "--out", paramLabel = "<file>", description = "write the secret to this new, owner-only file"
        + " instead of showing it on stdout")
    Path out;

    @Override
    public Integer call() throws IOException {
      Optional<Duration> life = Optional.ofNullable(lifetime).map(l -> ServerConfigLoader.parseDuration(l)
          .orElseThrow(() -> new UsageException("--lifetime must be a duration such as 7d, 12h or PT30M,"
              + " not '" + l + "'")));
      OptionalInt maxUses = uses == null ? OptionalInt.of(1)
          : uses.reusable ? OptionalInt.empty() : OptionalInt.of(uses.maxUses);
      Optional<X500Name> bound = Optional.ofNullable(subject).map(Create::parseSubject);
      Optional<char[]> secret = Optional.ofNullable(given).map(Create::read);
      if (out != null) {
        OwnerOnlyFile.create(out);
      }
      boolean written = false;
      try {
        SharedSecretAdministration.Created created = common.run(admin -> admin.create(
            new SharedSecretAdministration.Request(identification, bound, life, maxUses, secret),
            common.operator()));
        try {
          PrintWriter stdout = spec.commandLine().getOut();
          SharedSecretRecord r = created.record();
          String terms = "identification '" + r.identification() + "' (id " + r.id() + ", expires " + r.expiresAt()
              + ", " + (r.maxUses().isPresent() ? r.maxUses().getAsInt() + " use(s)" : "reusable")
              + r.subjectDn().map(s -> ", subject " + s).orElse("")
              + (created.replacedAnother() ? ", replacing the previous one" : "") + ")";
          if (out != null) {
            byte[] bytes = utf8Line(created.secret());
            try {
              Files.write(out, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            } finally {
              Arrays.fill(bytes, (byte) 0);
            }
            written = true;
            stdout.println("p11ca: shared secret for " + terms + " written to " + out);
          } else {
            written = true;
            stdout.println("p11ca: shared secret for " + terms + "; deliver it to the subscriber, it is not shown"
                + " again:");
            stdout.println(created.secret());
          }
          stdout.flush();
        } finally {
          Arrays.fill(created.secret(), '\0');
        }
        return 0;
      } finally {
        secret.ifPresent(s -> Arrays.fill(s, '\0'));
        if (out != null && !written) {
          Files.deleteIfExists(out);
        }
      }
    }

    private static X500Name parseSubject(String text) {
      try {
        return new X500Name(text);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--subject '" + text + "' is not a distinguished name (RFC 4514)");
      }
    }

    private static char[] read(GivenSecret given) {
      PinSource source = given.file != null ? PinSource.file(given.file) : PinSource.environment(given.variable);
      try {
        return source.read();
      } catch (HsmException e) {
        // PinSource speaks of PINs; its messages name the place, never the value.
        throw new UsageException("cannot read the shared secret: "
            + e.getMessage().replace("PIN", "shared secret"));
      }
    }

    private static byte[] utf8Line(char[] secret) {
      java.nio.ByteBuffer b = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(secret));
      byte[] out = new byte[b.remaining() + 1];
      b.get(out, 0, out.length - 1);
      out[out.length - 1] = '\n';
      Arrays.fill(b.array(), (byte) 0);
      return out;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revokes the active shared secret of an identification.")
  static final class Revoke implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--identification", required = true, paramLabel = "<id>", description = "whose secret")
    String identification;

    @Override
    public Integer call() throws IOException {
      boolean revoked = common.run(admin -> admin.revoke(identification, common.operator()));
      if (!revoked) {
        throw new UsageException("identification '" + identification + "' has no active shared secret");
      }
      spec.commandLine().getOut().println("p11ca: shared secret of identification '" + identification
          + "' revoked");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists shared secrets (never their values): id, identification, status, uses, expiry, subject.")
  static final class ListSecrets implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws IOException {
      java.util.List<SharedSecretRecord> all = common.run(SharedSecretAdministration::list);
      PrintWriter out = spec.commandLine().getOut();
      out.println("id\tidentification\tstatus\tuses\tmaxUses\tfailures\texpires\tsubject");
      for (SharedSecretRecord r : all) {
        out.println(r.id() + "\t" + r.identification() + "\t" + r.status() + "\t" + r.uses() + "\t"
            + (r.maxUses().isPresent() ? Integer.toString(r.maxUses().getAsInt()) : "-") + "\t" + r.failures() + "\t"
            + r.expiresAt() + "\t" + r.subjectDn().orElse("-"));
      }
      out.flush();
      return 0;
    }
  }
}
