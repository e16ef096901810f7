package org.p11ca.ca.cmc;

import java.time.Clock;
import java.util.Hashtable;
import java.util.Map;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cms.CMSAttributeTableGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;

/**
 * Signed attributes contentType, messageDigest and signingTime (RFC 5652 section 11) without the RFC 6211
 * cmsAlgorithmProtect attribute that Bouncy Castle adds by default: Dogtag's CMCResponse tool fails on responses
 * that carry it. signingTime comes from the injected clock.
 */
final class SignedAttributesWithoutAlgorithmProtect implements CMSAttributeTableGenerator {

  private final Clock clock;

  SignedAttributesWithoutAlgorithmProtect(Clock clock) {
    this.clock = clock;
  }

  @Override
  public AttributeTable getAttributes(Map parameters) {
    Hashtable<Object, Object> initial = new Hashtable<>();
    Attribute signingTime = new Attribute(CMSAttributes.signingTime,
        new DERSet(Time.getInstance(DerTime.of(clock.instant()))));
    initial.put(CMSAttributes.signingTime, signingTime);
    AttributeTable standard =
        new DefaultSignedAttributeTableGenerator(new AttributeTable(initial)).getAttributes(parameters);
    return standard.remove(CMSAttributes.cmsAlgorithmProtect);
  }
}
