package org.p11ca.client;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.crmf.AttributeTypeAndValue;
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

  @Option(names = "--transport", paramLabel = "<kra-transport.pem>",
      description = "archive the request key to the KRA with this transport certificate (PKIArchiveOptions,"
          + " as CRMFPopClient -b); the key must be a software (PKCS#12) key")
  Path transport;

  @Option(names = "--transport-oaep",
      description = "encrypt the archival session key with RSA-OAEP SHA-1/MGF1-SHA-1 instead of PKCS#1 v1.5")
  boolean transportOaep;

  @Mixin
  RequestOutput output;

  @Override
  public Integer call() throws IOException {
    output.check();
    if (certReqId < 0) {
      throw new UsageException("--cert-req-id must not be negative");
    }
    // Checked before a key is made, so a refused request leaves no new key behind.
    Optional<KraTransport> kra = archivalTransport();
    PrintWriter notes = output.out != null ? spec.commandLine().getOut() : new PrintWriter(java.io.Writer.nullWriter());
    try (RequestKey requestKey = key.obtain(tool, subject, notes)) {
      Optional<AttributeTypeAndValue> archive = kra.map(t -> t.archiveControl(exportable(requestKey)));
      kra.ifPresent(t -> notes.println("Request key encrypted for archival to KRA transport " + t.describe()));
      CertReqMsg msg = CrmfRequests.build(certReqId, subject, requestKey, ski, pop, archive);
      // CertReqMessages with one message, as CRMFPopClient writes it and Dogtag's CMCRequest reads it.
      output.write(tool, new CertReqMessages(msg).getEncoded(ASN1Encoding.DER), "CRMF request",
          spec.commandLine().getOut());
    }
    return 0;
  }

  private Optional<KraTransport> archivalTransport() {
    if (transport == null) {
      if (transportOaep) {
        throw new UsageException("--transport-oaep needs --transport <kra-transport.pem>");
      }
      return Optional.empty();
    }
    if (key.onToken()) {
      // Archival sends the private key itself; a token key is (and stays) non-extractable.
      throw new CmcToolException("--transport cannot archive a key on a PKCS#11 token: the key must be exportable"
          + " to be archived; use a PKCS#12 key (--key-p12)");
    }
    return Optional.of(KraTransport.read(tool.resolve(transport),
        transportOaep ? KraTransport.Padding.OAEP_SHA1 : KraTransport.Padding.PKCS1));
  }

  private static PrivateKey exportable(RequestKey requestKey) {
    if (requestKey instanceof RequestKey.Software software) {
      return software.privateKey();
    }
    throw new CmcToolException("the key must be exportable to be archived; use a PKCS#12 key (--key-p12)");
  }
}
