package org.p11ca.ca.cmc;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/**
 * Decodes the controls the CA acts on from a raw control list, for requests and responses alike. A control that
 * RFC 5272 allows once and that appears twice is refused: two senderNonces or two identityProofs leave it open
 * which one a later check looked at.
 */
final class KnownControls {

  private final List<Control> controls;

  KnownControls(List<Control> controls) {
    this.controls = controls;
  }

  Optional<byte[]> octets(ASN1ObjectIdentifier type, String name) {
    return single(type, name, v -> ASN1OctetString.getInstance(v).getOctets());
  }

  Optional<BigInteger> integer(ASN1ObjectIdentifier type, String name) {
    return single(type, name, v -> ASN1Integer.getInstance(v).getValue());
  }

  Optional<String> utf8(ASN1ObjectIdentifier type, String name) {
    return single(type, name, v -> ASN1UTF8String.getInstance(v).getString());
  }

  <T> Optional<T> single(ASN1ObjectIdentifier type, String name, Function<ASN1Encodable, T> decoder) {
    List<Control> found = ofType(type);
    if (found.size() > 1) {
      throw new CaException(FailInfo.BAD_REQUEST, "control " + name + " appears " + found.size() + " times");
    }
    return found.stream().findFirst()
        .map(c -> Asn1Decoding.decode(name + " control", () -> decoder.apply(c.singleValue(name))));
  }

  <T> List<T> all(ASN1ObjectIdentifier type, String name, Function<ASN1Encodable, T> decoder) {
    return ofType(type).stream()
        .map(c -> Asn1Decoding.decode(name + " control", () -> decoder.apply(c.singleValue(name))))
        .toList();
  }

  List<Control> ofType(ASN1ObjectIdentifier type) {
    return controls.stream().filter(c -> c.type().equals(type)).toList();
  }
}
