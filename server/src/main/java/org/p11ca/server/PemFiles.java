package org.p11ca.server;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * What the server publishes in its data directory as PEM: the certificates it has its CA issue for its own token
 * keys and the audit key's public half, for operators, auditors and relying parties who have no token access.
 */
final class PemFiles {

  private PemFiles() {
  }

  /** {@code object} (a certificate or public key) as PEM text; {@code what} names it in errors. */
  static String encode(Object object, String what) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(object);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the " + what, e);
    }
    return out.toString();
  }

  /** Writes {@code object} to {@code file} as PEM, unless the file already says exactly that. */
  static void publish(Path file, Object object, String what) {
    String text = encode(object, what);
    try {
      if (!Files.exists(file) || !Files.readString(file).equals(text)) {
        Files.writeString(file, text);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the " + what + " to " + file + ": " + e.getMessage(), e);
    }
  }

  /** A certificate the CA just issued, as the JDK type the token layer stores. */
  static X509Certificate jca(X509CertificateHolder holder, String what) {
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK cannot read the issued " + what, e);
    }
  }
}
