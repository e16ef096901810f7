package org.p11ca.ca.cmc;

import java.util.Objects;
import org.bouncycastle.asn1.cms.ContentInfo;

/** One TaggedContentInfo of PKIData.cmsSequence (RFC 5272 section 3.2.1.4), kept as sent. */
public record CmsSequence(int bodyPartId, ContentInfo contentInfo) {
  public CmsSequence {
    Objects.requireNonNull(contentInfo);
  }
}
