package org.p11ca.client;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where crmf and pkcs10 put the request: DER in a file, or Dogtag's base64 framing in a file or on stdout. */
final class RequestOutput {

  @Option(names = "--out", paramLabel = "<file>", description = "file to write the request to (DER unless --pem)")
  Path out;

  @Option(names = "--pem", description = "base64 between -----BEGIN CERTIFICATE REQUEST----- lines, as Dogtag"
      + " writes; on stdout without --out")
  boolean pem;

  void check() {
    if (out == null && !pem) {
      throw new UsageException("give --out FILE for DER, or --pem for base64 on stdout");
    }
  }

  void write(CmcTool tool, byte[] der, String what, PrintWriter stdout) {
    if (out == null) {
      stdout.print(Pem.dogtagRequest(der));
      stdout.flush();
      return;
    }
    Path file = tool.resolve(out);
    if (pem) {
      LocalFiles.write(file, Pem.dogtagRequest(der), what);
    } else {
      LocalFiles.write(file, der, what);
    }
    stdout.println(what + " written to " + file + (pem ? " (base64)" : " (DER)"));
  }
}
