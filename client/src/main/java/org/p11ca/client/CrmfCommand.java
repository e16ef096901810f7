package org.p11ca.client;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.crmf.CertReqMessages;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.x500.X500Name;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "crmf", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Writes a CRMF certificate request (RFC 4211), like Dogtag's CRMFPopClient.")
final class CrmfCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @ParentCommand
  CmcTool tool;

  @Option(names = "--subject", required = true, paramLabel = "<dn>", description = "e.g. UID=bob,O=Example")
  X500Name subject;

  @Mixin
  KeyOptions key;

  @Option(names = "--pop", paramLabel = "<signature|none>", defaultValue = "signature",
      description = "proof of possession: signature (POPOSigningKey over the CertRequest) or none"
          + " (default: ${DEFAULT-VALUE})")
  CrmfRequests.Pop pop;

  @Option(names = "--ski", description = "ask for a SubjectKeyIdentifier extension (SHA-1 of the key)")
  boolean ski;

  @Option(names = "--cert-req-id", paramLabel = "<n>", defaultValue = "1",
      description = "certReqId, also the request's bodyPartID in CMC (default: ${DEFAULT-VALUE}, as Dogtag)")
  int certReqId;

  @Mixin
  RequestOutput output;

  @Override
  public Integer call() throws IOException {
    output.check();
    if (certReqId < 0) {
      throw new IllegalArgumentException("--cert-req-id must not be negative");
    }
    PrintWriter notes = output.out != null ? spec.commandLine().getOut() : new PrintWriter(java.io.Writer.nullWriter());
    try (RequestKey requestKey = key.obtain(tool, subject, notes)) {
      CertReqMsg msg = CrmfRequests.build(certReqId, subject, requestKey, ski, pop);
      // CertReqMessages with one message, as CRMFPopClient writes it and Dogtag's CMCRequest reads it.
      output.write(tool, new CertReqMessages(msg).getEncoded(ASN1Encoding.DER), "CRMF request",
          spec.commandLine().getOut());
    }
    return 0;
  }
}
