package org.p11ca.ca.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.cert.X509CertificateHolder;

/** The openssl command line, the independent implementation tests check the CA's output with. */
public final class Openssl {

  private Openssl() {
  }

  /** Runs {@code openssl args...} in {@code dir}; fails the test unless it exits 0 within 30 s. */
  public static String run(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "openssl did not finish");
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  /** A certificate as PEM text. */
  public static String pem(X509CertificateHolder cert) throws IOException {
    return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n";
  }
}
