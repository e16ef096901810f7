package org.p11ca.client;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code import-cert}: puts the certificate the CA issued into the PKCS#12 that holds its key, in place of the
 * stand-in certificate a new file carries (a PKCS#12 key entry cannot exist without one). After it, the file serves
 * as {@code request --signer-p12} and {@code submit --client-p12}, as Dogtag's tools use the NSS database.
 */
@Command(name = "import-cert", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Stores an issued certificate (and its CA chain) with its key in a PKCS#12 file.")
final class ImportCertCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @ParentCommand
  CmcTool tool;

  @Option(names = "--key-p12", required = true, paramLabel = "<file>", description = "the PKCS#12 holding the key")
  Path p12;

  @Option(names = "--p12-alias", paramLabel = "<name>", description = "the key entry (default: the only one)")
  Optional<String> alias;

  @ArgGroup(exclusive = false)
  PasswordOptions password = new PasswordOptions();

  @Option(names = "--cert", required = true, paramLabel = "<file>", description = "the issued certificate (PEM/DER)")
  Path cert;

  @Option(names = "--chain", paramLabel = "<file>", description = "CA certificates to store after it (PEM)")
  Path chain;

  @Override
  public Integer call() {
    Path file = tool.resolve(p12);
    char[] secret = password.existing(tool, file);
    try {
      Pkcs12File.KeyEntry entry = Pkcs12File.readKey(file, secret, alias);
      X509Certificate issued = Pem.readCertificate(tool.resolve(cert), "certificate file");
      // The stand-in (or old) certificate carries the key's public half; the new one must certify that same key.
      if (!Arrays.equals(issued.getPublicKey().getEncoded(), entry.certificate().getPublicKey().getEncoded())) {
        throw new CmcToolException("the certificate " + issued.getSubjectX500Principal().getName()
            + " does not certify the key in " + file);
      }
      List<X509Certificate> certs = new ArrayList<>(List.of(issued));
      if (chain != null) {
        certs.addAll(Pem.readCertificates(tool.resolve(chain), "CA certificate file"));
      }
      Pkcs12File.replaceChain(file, secret, entry.alias(), entry.key(), certs);
      spec.commandLine().getOut().println("Stored " + issued.getSubjectX500Principal().getName() + " (serial 0x"
          + issued.getSerialNumber().toString(16) + ") with its key in " + file);
      return 0;
    } finally {
      Arrays.fill(secret, '\0');
    }
  }
}
