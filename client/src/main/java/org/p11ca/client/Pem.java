package org.p11ca.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** PEM and Dogtag's base64 framing, both directions. */
final class Pem {
  private Pem() {
  }

  static final String REQUEST_LABEL = "CERTIFICATE REQUEST";

  /**
   * The framing Dogtag's CRMFPopClient and PKCS10Client write: header and footer ending in LF, body lines of 76
   * characters ending in CRLF (see shared/fixtures/dogtag/README.md). OpenSSL and Dogtag's CMCRequest read it.
   */
  static String dogtagRequest(byte[] der) {
    return "-----BEGIN " + REQUEST_LABEL + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\r\n"
        + "-----END " + REQUEST_LABEL + "-----\n";
  }

  static String certificates(List<X509CertificateHolder> certificates) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      for (X509CertificateHolder c : certificates) {
        pem.writeObject(c);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot PEM-encode a certificate", e);
    }
    return text.toString();
  }

  /**
   * DER as given, or the content of a PEM / Dogtag base64 block, or bare base64 text: Dogtag's cfg files name
   * base64 request files, its HttpClient binary ones.
   */
  static byte[] derOrBase64(byte[] bytes, Path file, String what) {
    if (bytes.length > 0 && bytes[0] == 0x30) {
      return bytes;
    }
    String text = new String(bytes, StandardCharsets.US_ASCII);
    StringBuilder body = new StringBuilder();
    for (String line : text.split("\\R")) {
      if (!line.startsWith("-----")) {
        body.append(line.strip());
      }
    }
    try {
      byte[] der = Base64.getDecoder().decode(body.toString());
      if (der.length == 0 || der[0] != 0x30) {
        throw new IllegalArgumentException("not DER");
      }
      return der;
    } catch (IllegalArgumentException e) {
      throw new CmcToolException(what + " " + file + " is neither DER nor base64 (PEM) text");
    }
  }

  /** Every certificate in a PEM (one or more blocks) or DER file. */
  static List<X509Certificate> readCertificates(Path file, String what) {
    byte[] bytes = LocalFiles.read(file, what);
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      List<X509Certificate> certs = new ArrayList<>();
      for (var c : factory.generateCertificates(new ByteArrayInputStream(bytes))) {
        certs.add((X509Certificate) c);
      }
      if (certs.isEmpty()) {
        throw new CertificateException("empty");
      }
      return certs;
    } catch (CertificateException e) {
      throw new CmcToolException(what + " " + file + " holds no X.509 certificate in PEM or DER");
    }
  }

  static X509Certificate readCertificate(Path file, String what) {
    List<X509Certificate> certs = readCertificates(file, what);
    if (certs.size() != 1) {
      throw new CmcToolException(what + " " + file + " holds " + certs.size() + " certificates, not 1");
    }
    return certs.get(0);
  }
}
