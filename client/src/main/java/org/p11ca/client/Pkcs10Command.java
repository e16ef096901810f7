package org.p11ca.client;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "pkcs10", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Writes a PKCS#10 certificate request signed by its key, like Dogtag's PKCS10Client.")
final class Pkcs10Command implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @ParentCommand
  CmcTool tool;

  @Option(names = "--subject", required = true, paramLabel = "<dn>", description = "e.g. CN=host.example,O=Example")
  X500Name subject;

  @Mixin
  KeyOptions key;

  @Option(names = "--dns", paramLabel = "<name>", split = ",",
      description = "a DNS subjectAltName to ask for (repeatable or comma-separated)")
  List<String> dnsNames = new ArrayList<>();

  @Option(names = "--ski", description = "ask for a SubjectKeyIdentifier extension (SHA-1 of the key)")
  boolean ski;

  @Mixin
  RequestOutput output;

  @Override
  public Integer call() throws IOException {
    output.check();
    List<GeneralName> sans = Pkcs10Requests.dnsNames(dnsNames);
    PrintWriter notes = output.out != null ? spec.commandLine().getOut() : new PrintWriter(java.io.Writer.nullWriter());
    try (RequestKey requestKey = key.obtain(tool, subject, notes)) {
      PKCS10CertificationRequest csr = Pkcs10Requests.build(subject, requestKey, sans, ski);
      output.write(tool, csr.getEncoded(), "PKCS#10 request", spec.commandLine().getOut());
    }
    return 0;
  }
}
