package org.p11ca.tokens;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.Token;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "export-cert", mixinStandardHelpOptions = true,
    description = "Writes a certificate stored on the token as PEM.")
final class ExportCertCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  TokenOptions tokenOptions;

  @Option(names = "--label", paramLabel = "<label>", required = true, description = "label of the certificate")
  String label;

  @Option(names = "--out", paramLabel = "<file>", description = "write the PEM here (default: stdout)")
  Path out;

  @Override
  public Integer call() {
    try (Token token = tokenOptions.open()) {
      X509Certificate certificate = token.findCertificate(KeySelector.label(label)).orElseThrow(
          () -> new HsmException(HsmException.Reason.KEY_NOT_FOUND, "no certificate labelled '" + label
              + "' on token '" + token.info().label() + "'"));
      Pem.write(Pem.encode(certificate), Optional.ofNullable(out), spec.commandLine().getOut());
      if (out != null) {
        spec.commandLine().getOut().println("certificate '" + label + "' written to " + out);
      }
    }
    return 0;
  }
}
