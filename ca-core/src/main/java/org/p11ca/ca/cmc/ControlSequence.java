package org.p11ca.ca.cmc;

import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;

/** controlSequence ::= SEQUENCE OF TaggedAttribute (RFC 5272 sections 3.2.1.2 and 4.2), both directions. */
final class ControlSequence {

  private ControlSequence() {
  }

  static List<Control> decode(ASN1Encodable sequence) {
    List<Control> controls = new ArrayList<>();
    for (ASN1Encodable e : ASN1Sequence.getInstance(sequence)) {
      ASN1Sequence ta = ASN1Sequence.getInstance(e);
      if (ta.size() != 3) {
        throw new IllegalArgumentException("TaggedAttribute with " + ta.size() + " fields, not 3");
      }
      List<ASN1Encodable> values = new ArrayList<>();
      ASN1Set.getInstance(ta.getObjectAt(2)).forEach(values::add);
      controls.add(new Control(BodyPartIds.of(ta.getObjectAt(0)),
          ASN1ObjectIdentifier.getInstance(ta.getObjectAt(1)), values));
    }
    return List.copyOf(controls);
  }

  static DERSequence encode(List<Control> controls) {
    return new DERSequence(controls.stream()
        .map(c -> new DERSequence(new ASN1Encodable[] {
            BodyPartIds.encode(c.bodyPartId()), c.type(), new DERSet(c.values().toArray(ASN1Encodable[]::new))}))
        .toArray(ASN1Encodable[]::new));
  }
}
