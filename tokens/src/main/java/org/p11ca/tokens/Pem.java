package org.p11ca.tokens;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** Reading certificates (PEM or DER) and writing PEM to a file or standard output. */
final class Pem {
  private Pem() {
  }

  static String encode(Object certificateOrRequest) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      pem.writeObject(certificateOrRequest);
    } catch (IOException e) {
      throw new IllegalStateException("cannot PEM-encode " + certificateOrRequest.getClass().getSimpleName(), e);
    }
    return text.toString();
  }

  /** Writes to the file when one is given, else to {@code out}. */
  static void write(String pem, Optional<Path> file, PrintWriter out) {
    if (file.isEmpty()) {
      out.print(pem);
      out.flush();
      return;
    }
    try {
      Files.writeString(file.get(), pem);
    } catch (IOException e) {
      throw new UsageException("cannot write " + file.get() + ": " + e.getClass().getSimpleName()
          + (e.getMessage() != null ? " " + e.getMessage() : ""));
    }
  }

  /** One X.509 certificate, PEM or DER (the JDK's parser takes both). */
  static X509Certificate readCertificate(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UsageException("cannot read " + file + ": " + e.getClass().getSimpleName());
    }
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(bytes));
    } catch (CertificateException e) {
      throw new UsageException(file + " is not an X.509 certificate in PEM or DER");
    }
  }
}
