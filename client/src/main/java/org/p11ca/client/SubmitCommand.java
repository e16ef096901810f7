package org.p11ca.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.net.ssl.KeyManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Posts a CMC request to the CA over HTTPS and writes its answer, like Dogtag's HttpClient.",
        "Options override the values of a Dogtag HttpClient .cfg file given with --config."})
final class SubmitCommand implements Callable<Integer> {

  private static final Set<String> CONFIG_KEYS = Set.of("host", "port", "secure", "input", "output", "servlet",
      "clientmode", "nickname", "tokenname", "dbdir", "password");
  /** Dogtag's enrollment servlets live under this path; p11ca serves the same ones. */
  private static final String SERVLET_BASE = "/ca/ee/ca/";

  @Spec
  CommandSpec spec;

  @ParentCommand
  CmcTool tool;

  @Option(names = "--config", paramLabel = "<file>", description = "a Dogtag HttpClient .cfg file")
  Path config;

  @Option(names = "--in", paramLabel = "<file>", description = "the CMC request (DER), sent unchanged")
  Path in;

  @Option(names = "--out", paramLabel = "<file>", description = "file to write the CMC response to (DER)")
  Path out;

  @Option(names = "--url", paramLabel = "<https-url>", description = "the full URL, e.g."
      + " https://ca.example:8443/ca/ee/ca/profileSubmitUserSignedCMCFull")
  URI url;

  @Option(names = "--host", paramLabel = "<host>", description = "the CA's host name (with --port, --servlet)")
  String host;

  @Option(names = "--port", paramLabel = "<port>", description = "the CA's HTTPS port (default: 8443)")
  Integer port;

  @Option(names = "--servlet", paramLabel = "<name|path>", description = "servlet name under " + SERVLET_BASE
      + ", or an absolute path with query (default: profileSubmitUserSignedCMCFull)")
  String servlet;

  @Option(names = "--profile-id", paramLabel = "<id>", description = "adds ?profileId=ID to the URL")
  String profileId;

  @Option(names = "--ca", paramLabel = "<file>", description = "the CA certificate (PEM or DER) to trust, and only"
      + " it, for the server's certificate")
  Path ca;

  @Mixin
  ClientIdentityOptions client;

  @Option(names = "--no-content-type", description = "send no Content-Type header, as Dogtag's HttpClient does"
      + " (default: " + CmcHttpsClient.CMC_REQUEST_TYPE + ")")
  boolean noContentType;

  @Override
  public Integer call() {
    if (config != null) {
      applyConfig(DogtagConfig.read(tool.resolve(config)).allowOnly(CONFIG_KEYS, "p11ca-cmc submit"));
    }
    if (in == null || out == null) {
      throw new UsageException("give --in FILE and --out FILE (or input= and output= in --config)");
    }
    if (ca == null) {
      throw new UsageException("give --ca FILE: the CA certificate the server's TLS certificate must"
          + " chain to");
    }
    URI target = target();
    X509Certificate trusted = Pem.readCertificate(tool.resolve(ca), "CA certificate file");
    byte[] body = LocalFiles.read(tool.resolve(in), "CMC request file");
    byte[] answer;
    String as = "";
    if (client.given()) {
      try (ClientIdentityOptions.ClientIdentity identity = client.open(tool)) {
        as = " as " + identity.subject();
        answer = new CmcHttpsClient(trusted, Optional.of((KeyManager) identity.keyManager()))
            .post(target, body, !noContentType);
      }
    } else {
      answer = new CmcHttpsClient(trusted, Optional.empty()).post(target, body, !noContentType);
    }
    Path output = tool.resolve(out);
    LocalFiles.write(output, answer, "CMC response");
    spec.commandLine().getOut().println("Sent " + body.length + " bytes to " + target + as + "; response ("
        + answer.length + " bytes) written to " + output);
    return 0;
  }

  private URI target() {
    URI base;
    if (url != null) {
      if (host != null || port != null || servlet != null) {
        throw new UsageException("give --url, or --host/--port/--servlet, not both");
      }
      base = url;
    } else {
      if (host == null) {
        throw new UsageException("give --url URL or --host HOST (or host= in --config)");
      }
      String path = servlet == null ? SERVLET_BASE + "profileSubmitUserSignedCMCFull"
          : servlet.startsWith("/") ? servlet : SERVLET_BASE + servlet;
      try {
        // The multi-argument URI constructors would escape a query that is already in the servlet value.
        base = new URI("https://" + bracketed(host) + ":" + (port != null ? port : 8443) + path);
      } catch (URISyntaxException e) {
        throw new UsageException("cannot make a URL of host '" + host + "' and servlet '" + path + "'");
      }
    }
    if (!"https".equalsIgnoreCase(base.getScheme()) || base.getHost() == null) {
      throw new UsageException("the URL must be https://HOST[:PORT]/..., not " + base);
    }
    if (profileId == null) {
      return base;
    }
    String query = (base.getRawQuery() == null ? "" : base.getRawQuery() + "&") + "profileId="
        + URLEncoder.encode(profileId, StandardCharsets.UTF_8);
    return URI.create(base.getScheme() + "://" + base.getRawAuthority() + base.getRawPath() + "?" + query);
  }

  private static String bracketed(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private void applyConfig(DogtagConfig cfg) {
    cfg.refuse("secure", "true", "p11ca-cmc speaks only HTTPS");
    in = in != null ? in : cfg.path("input", tool).orElse(null);
    out = out != null ? out : cfg.path("output", tool).orElse(null);
    host = host != null || url != null ? host : cfg.value("host").orElse(null);
    if (port == null && url == null) {
      port = cfg.value("port").map(p -> {
        try {
          return Integer.valueOf(p);
        } catch (NumberFormatException e) {
          throw new UsageException(cfg.file() + ": port=" + p + " is not a number");
        }
      }).orElse(null);
    }
    servlet = servlet != null || url != null ? servlet : cfg.value("servlet").orElse(null);
    // tokenname=internal is NSS's own database: then the client key is in --client-p12.
    cfg.value("tokenname").filter(t -> !t.equalsIgnoreCase("internal") && client.token.label == null)
        .ifPresent(t -> client.token.label = t);
    if (cfg.flag("clientmode").orElse(false)) {
      cfg.value("nickname").ifPresent(client::nickname);
      if (!client.given()) {
        throw new UsageException(cfg.file() + ": clientmode=true needs a client certificate: give"
            + " --client-p12 FILE, or --token LABEL with --client-label");
      }
    }
    // dbdir and password name the NSS database and its password: p11ca-cmc reads no secret from a cfg file.
  }
}
