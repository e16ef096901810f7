package org.p11ca.client;

import java.io.PrintWriter;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Locale;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.cert.X509CertificateHolder;
import org.p11ca.ca.cmc.CmcObjectIds;
import org.p11ca.ca.cmc.CmcResponse;
import org.p11ca.ca.cmc.CmcStatus;
import org.p11ca.ca.cmc.CmcStatusInfo;
import org.p11ca.ca.cmc.Control;
import org.p11ca.ca.cmc.EncryptedPop;
import org.p11ca.ca.error.CaException;

/**
 * Prints a CMC response in the layout of Dogtag's CMCResponse (the seed pages show it): the certificates, then
 * "Number of controls is N" and one block per control. Times are printed in UTC so output does not depend on the
 * machine's zone.
 */
final class ResponsePrinter {

  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("EEEE, MMMM d, yyyy h:mm:ss a 'UTC'", Locale.US).withZone(ZoneOffset.UTC);
  private static final ASN1ObjectIdentifier STATUS_INFO_V1 = CmcObjectIds.ID_CMC.branch("1");
  private static final ASN1ObjectIdentifier DATA_RETURN = CmcObjectIds.ID_CMC.branch("4");

  private final PrintWriter out;

  ResponsePrinter(PrintWriter out) {
    this.out = out;
  }

  void print(CmcResponse response) {
    out.println("Certificates:");
    for (X509CertificateHolder holder : response.certificates()) {
      certificate(Certificates.x509(holder));
    }
    out.println();
    if (response.isSimple()) {
      out.println("Simple PKI Response (certs-only): no controls");
      return;
    }
    out.println("Number of controls is " + response.controls().size());
    Iterator<CmcStatusInfo> statuses = response.statuses().iterator();
    int i = 0;
    for (Control control : response.controls()) {
      control(i++, control, statuses);
    }
  }

  private void certificate(X509Certificate cert) {
    out.println("    Certificate:");
    out.println("        Data:");
    out.println("            Version:  v" + cert.getVersion());
    out.println("            Serial Number: " + hex(cert.getSerialNumber()));
    out.println("            Signature Algorithm: " + cert.getSigAlgName() + " - " + cert.getSigAlgOID());
    out.println("            Issuer: " + cert.getIssuerX500Principal().getName());
    out.println("            Validity:");
    out.println("                Not Before: " + WHEN.format(cert.getNotBefore().toInstant()));
    out.println("                Not  After: " + WHEN.format(cert.getNotAfter().toInstant()));
    out.println("            Subject: " + cert.getSubjectX500Principal().getName());
    out.println();
  }

  static String hex(BigInteger serial) {
    return "0x" + serial.toString(16).toUpperCase(Locale.ROOT);
  }

  private void control(int index, Control control, Iterator<CmcStatusInfo> statuses) {
    ASN1ObjectIdentifier type = control.type();
    String oid = "   OID: {" + type.getId().replace('.', ' ') + "}";
    if (type.equals(CmcObjectIds.STATUS_INFO_V2)) {
      out.println("Control #" + index + ": CMCStatusInfoV2");
      out.println(oid);
      for (int v = 0; v < control.values().size() && statuses.hasNext(); v++) {
        status(statuses.next());
      }
    } else if (type.equals(STATUS_INFO_V1)) {
      out.println("Control #" + index + ": CMCStatusInfo");
      out.println(oid);
      out.println("   (CMCStatusInfo version 1 is not decoded)");
    } else if (type.equals(CmcObjectIds.TRANSACTION_ID)) {
      out.println("Control #" + index + ": CMC Transaction Id");
      out.println(oid);
      control.values().forEach(v -> out.println("   INTEGER: " + ASN1Integer.getInstance(v).getValue()));
    } else if (type.equals(CmcObjectIds.RECIPIENT_NONCE)) {
      octets("CMC Recipient Nonce", index, oid, control);
    } else if (type.equals(CmcObjectIds.SENDER_NONCE)) {
      octets("CMC Sender Nonce", index, oid, control);
    } else if (type.equals(DATA_RETURN)) {
      octets("CMC Data Return", index, oid, control);
    } else if (type.equals(CmcObjectIds.ENCRYPTED_POP)) {
      out.println("Control #" + index + ": CMC encrypted POP");
      out.println(oid);
      control.values().forEach(this::encryptedPop);
    } else if (type.equals(CmcObjectIds.RESPONSE_INFO)) {
      // As Dogtag's CMCResponse: no OID line, and the octets read as the request id (BigInteger.toByteArray).
      out.println("Control #" + index + ": CMC ResponseInfo");
      control.values().forEach(this::responseInfo);
    } else {
      out.println("Control #" + index + ": " + type.getId());
      out.println(oid);
    }
  }

  private void encryptedPop(ASN1Encodable value) {
    try {
      EncryptedPop pop = EncryptedPop.decode(value);
      out.println("     encryptedPOP decoded");
      out.println("     format: " + (pop.dogtagFormat() ? "Dogtag (thePOPAlgID aes128-CBC)"
          : "RFC 5272 (thePOPAlgID " + pop.popAlgorithm().getAlgorithm().getId() + ")"));
    } catch (CaException e) {
      out.println("     encryptedPOP cannot be decoded: " + ErrorReporter.oneLine(e.detail()));
    }
  }

  private void responseInfo(ASN1Encodable value) {
    byte[] octets = ASN1OctetString.getInstance(value).getOctets();
    out.println(octets.length == 0 ? "   requestID: (empty)" : "   requestID: " + new BigInteger(octets));
  }

  private void status(CmcStatusInfo status) {
    out.println("   BodyList: " + status.bodyList().stream().map(String::valueOf).collect(Collectors.joining(" ")));
    if (status.status() == CmcStatus.SUCCESS) {
      out.println("   Status: SUCCESS");
      return;
    }
    status.statusString().ifPresent(s -> out.println("   Status String: " + s));
    if (status.failInfo().isPresent()) {
      out.println("   OtherInfo type: FAIL");
      out.println("     failInfo=" + FailInfoNames.of(status.failInfo().get()));
    } else {
      out.println("   Status: " + status.status());
    }
  }

  /** Dogtag prints octets as signed decimal bytes; so do we, so that outputs compare. */
  private void octets(String name, int index, String oid, Control control) {
    out.println("Control #" + index + ": " + name);
    out.println(oid);
    for (ASN1Encodable v : control.values()) {
      StringBuilder s = new StringBuilder("   Value:");
      for (byte b : ASN1OctetString.getInstance(v).getOctets()) {
        s.append(' ').append(b);
      }
      out.println(s);
    }
  }
}
