package org.p11ca.client;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.bouncycastle.cert.X509CertificateHolder;
import org.p11ca.ca.cmc.CmcObjectIds;
import org.p11ca.ca.cmc.CmcResponse;
import org.p11ca.ca.cmc.CmcResponseParser;
import org.p11ca.ca.cmc.CmcStatus;
import org.p11ca.ca.cmc.CmcStatusInfo;
import org.p11ca.ca.error.FailInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "response", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Prints a CMC response's certificates, controls and status, like Dogtag's CMCResponse.",
        "Exit 0 when every status is SUCCESS, 1 on a CMC failure (its failInfo and statusString on stderr); for an"
            + " EncryptedPOP challenge (failInfo=POP required) the line says to answer it with request"
            + " --decrypted-pop."})
final class ResponseCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @ParentCommand
  CmcTool tool;

  @Option(names = "--in", required = true, paramLabel = "<file>", description = "the CMC response (DER or base64)")
  Path in;

  @Option(names = "--ca", paramLabel = "<file>", description = "verify the response signature against this CA"
      + " certificate (PEM or DER) first")
  Path ca;

  @Option(names = "--write-cert", paramLabel = "<file>", description = "write the issued (non-CA) certificates as"
      + " PEM")
  Path writeCert;

  @Override
  public Integer call() {
    Path input = tool.resolve(in);
    CmcResponse response = CmcResponseParser.parse(
        Pem.derOrBase64(LocalFiles.read(input, "CMC response file"), input, "CMC response file"));
    PrintWriter out = spec.commandLine().getOut();
    // Checked before anything is printed or written: an unverified response's certificates are not to be used.
    Optional<X509Certificate> caCert = Optional.ofNullable(ca)
        .map(c -> Pem.readCertificate(tool.resolve(c), "CA certificate file"));
    String verified = caCert.map(c -> ResponseSignatureCheck.verify(response, c)).orElse(null);
    new ResponsePrinter(out).print(response);
    out.println();
    if (verified != null) {
      out.println("Response signature: verified, signed by " + verified);
    } else if (response.isSimple()) {
      out.println("Response signature: none (certs-only Simple PKI Response)");
    } else {
      out.println("Response signature: not checked (give --ca to check it)");
    }
    List<CmcStatusInfo> notSuccess = response.statuses().stream()
        .filter(s -> s.status() != CmcStatus.SUCCESS).toList();
    if (!notSuccess.isEmpty()) {
      out.flush();
      if (isChallenge(response)) {
        // Round 1 of RFC 5272 section 6.7: not a refusal but a question only the requested key can answer.
        return ErrorReporter.report(spec.commandLine(), "the CA did not issue yet: it sent an EncryptedPOP challenge"
            + response.responseInfo().filter(i -> i.length > 0)
                .map(i -> " for request " + new java.math.BigInteger(i)).orElse("")
            + " (failInfo=POP required): answer it with 'p11ca-cmc request --decrypted-pop --response " + in
            + "' and the requested key", ErrorReporter.FAILURE);
      }
      return ErrorReporter.report(spec.commandLine(), "the CA did not issue: "
          + notSuccess.stream().map(ResponseCommand::describe).collect(Collectors.joining("; ")),
          ErrorReporter.FAILURE);
    }
    if (!response.isSimple() && response.statuses().isEmpty()) {
      throw new CmcToolException("the response carries no CMCStatusInfoV2 control: its outcome is unknown");
    }
    if (writeCert != null) {
      writeIssued(response.certificates(), caCert, out);
    }
    return 0;
  }

  private static boolean isChallenge(CmcResponse response) {
    return response.controls().stream().anyMatch(c -> c.type().equals(CmcObjectIds.ENCRYPTED_POP))
        && response.statuses().stream().anyMatch(s -> s.failInfo().equals(Optional.of(FailInfo.POP_REQUIRED)));
  }

  /** "failInfo=bad request (bodyList 1): subject does not match the signer" */
  private static String describe(CmcStatusInfo s) {
    String what = s.failInfo().map(f -> "failInfo=" + FailInfoNames.of(f)).orElse("status " + s.status());
    return what + " (bodyList " + s.bodyList().stream().map(String::valueOf).collect(Collectors.joining(" "))
        + ")" + s.statusString().map(t -> ": " + t).orElse("");
  }

  /**
   * With {@code --ca}, each certificate written must be signed by that CA: the response's signature covers its
   * PKIResponse, not SignedData.certificates, which anyone on the way can change.
   */
  private void writeIssued(List<X509CertificateHolder> certificates, Optional<X509Certificate> caCert,
      PrintWriter out) {
    List<X509CertificateHolder> issued = certificates.stream().filter(c -> !Certificates.isCa(c)).toList();
    if (issued.isEmpty()) {
      throw new CmcToolException("the response carries no issued (non-CA) certificate to write");
    }
    if (caCert.isPresent()) {
      for (X509CertificateHolder cert : issued) {
        if (!ResponseSignatureCheck.signedBy(cert, caCert.get())) {
          throw new CmcToolException("the certificate for " + SubjectName.format(cert.getSubject())
              + " (serial 0x" + cert.getSerialNumber().toString(16) + ") is not signed by the CA of --ca, though the"
              + " response is: a response's signature does not cover its certificates, so they were changed on the"
              + " way; nothing written");
        }
      }
    }
    Path file = tool.resolve(writeCert);
    LocalFiles.write(file, Pem.certificates(issued), "certificate file");
    out.println("Issued certificate" + (issued.size() > 1 ? "s" : "") + " written to " + file);
  }
}
