package org.p11ca.ca.cmc;

import java.math.BigInteger;
import java.text.ParseException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * The revokeRequest control (RFC 5272 section 6.11). {@code reason} is the CRLReason code (RFC 5280 section
 * 5.3.1). {@code issuerName} keeps the sender's string types: Dogtag writes UTF8String where the certificate has
 * PrintableString, so compare names with X500Name.equals, never by bytes.
 *
 * @param passphrase the shared secret of an unsigned revocation, in clear; never logged
 */
public record RevocationRequest(X500Name issuerName, BigInteger serial, int reason, Optional<Instant> invalidityDate,
    Optional<byte[]> passphrase, Optional<String> comment) {

  public RevocationRequest {
    Objects.requireNonNull(issuerName);
    Objects.requireNonNull(serial);
    Objects.requireNonNull(invalidityDate);
    passphrase = passphrase.map(byte[]::clone);
    Objects.requireNonNull(comment);
  }

  @Override
  public Optional<byte[]> passphrase() {
    return passphrase.map(byte[]::clone);
  }

  @Override
  public String toString() {
    return "RevocationRequest[issuer=" + issuerName + ", serial=" + serial.toString(16) + ", reason=" + reason
        + ", invalidityDate=" + invalidityDate + ", passphrase=" + (passphrase.isPresent() ? "(present)" : "none")
        + ", comment=" + comment + "]";
  }

  /** The RevokeRequest SEQUENCE, optional fields in their order; invalidityDate to the second, in UTC. */
  public ASN1Encodable encode() {
    org.bouncycastle.asn1.ASN1EncodableVector v = new org.bouncycastle.asn1.ASN1EncodableVector();
    v.add(issuerName);
    v.add(new ASN1Integer(serial));
    v.add(new ASN1Enumerated(reason));
    invalidityDate.ifPresent(d -> v.add(new org.bouncycastle.asn1.DERGeneralizedTime(
        java.util.Date.from(d.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))));
    passphrase.ifPresent(p -> v.add(new org.bouncycastle.asn1.DEROctetString(p)));
    comment.ifPresent(c -> v.add(new org.bouncycastle.asn1.DERUTF8String(c)));
    return new org.bouncycastle.asn1.DERSequence(v);
  }

  static RevocationRequest decode(ASN1Encodable value) {
    return Asn1Decoding.decode("revokeRequest", () -> {
      ASN1Sequence s = ASN1Sequence.getInstance(value);
      if (s.size() < 3 || s.size() > 6) {
        throw new IllegalArgumentException("expected 3 to 6 fields, got " + s.size());
      }
      X500Name issuer = DistinguishedNames.requireWellFormed(X500Name.getInstance(s.getObjectAt(0)),
          "the revokeRequest's issuerName");
      BigInteger serial = ASN1Integer.getInstance(s.getObjectAt(1)).getValue();
      int reason = ASN1Enumerated.getInstance(s.getObjectAt(2)).intValueExact();
      Optional<Instant> invalidity = Optional.empty();
      Optional<byte[]> passphrase = Optional.empty();
      Optional<String> comment = Optional.empty();
      // The optional fields are untagged but of distinct universal types, and must come in this order.
      int stage = 0;
      for (int i = 3; i < s.size(); i++) {
        ASN1Encodable f = s.getObjectAt(i);
        if (f instanceof ASN1GeneralizedTime t && stage < 1) {
          invalidity = Optional.of(toInstant(t));
          stage = 1;
        } else if (f instanceof ASN1OctetString o && stage < 2) {
          passphrase = Optional.of(o.getOctets());
          stage = 2;
        } else if (f instanceof ASN1UTF8String u && stage < 3) {
          comment = Optional.of(u.getString());
          stage = 3;
        } else {
          throw new IllegalArgumentException("unexpected or out-of-order field " + (i + 1));
        }
      }
      return new RevocationRequest(issuer, serial, reason, invalidity, passphrase, comment);
    });
  }

  private static Instant toInstant(ASN1GeneralizedTime t) {
    try {
      return t.getDate().toInstant();
    } catch (ParseException e) {
      throw new IllegalArgumentException("bad invalidityDate " + t.getTimeString());
    }
  }
}
