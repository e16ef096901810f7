package org.p11ca.ca.cmc;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERUTF8String;
import org.p11ca.ca.error.FailInfo;

/**
 * CMCStatusInfoV2 (RFC 5272 section 6.1.1) restricted to what the CA sends: bodyList of bodyPartIDs, and the
 * failInfo choice of otherInfo. pendInfo and extendedFailInfo are not modelled; a parsed response that carries
 * them has {@code failInfo} empty.
 */
public record CmcStatusInfo(CmcStatus status, List<Integer> bodyList, Optional<String> statusString,
    Optional<FailInfo> failInfo) {

  public CmcStatusInfo {
    Objects.requireNonNull(status);
    bodyList = List.copyOf(bodyList);
    Objects.requireNonNull(statusString);
    Objects.requireNonNull(failInfo);
    // bodyList is SEQUENCE SIZE (1..MAX); failInfo "is present only if cMCStatus contains the value failed".
    if (bodyList.isEmpty()) {
      throw new IllegalArgumentException("CMCStatusInfoV2 bodyList needs at least one bodyPartID");
    }
    if (failInfo.isPresent() && status != CmcStatus.FAILED) {
      throw new IllegalArgumentException("failInfo is only allowed with status failed, not " + status);
    }
  }

  public static CmcStatusInfo success(List<Integer> bodyList) {
    return new CmcStatusInfo(CmcStatus.SUCCESS, bodyList, Optional.empty(), Optional.empty());
  }

  /**
   * A failure as the CA sends it. Its statusString is made one line: reasons quote what the request said (names,
   * profile ids from the URL), and a client prints the statusString as it comes.
   */
  public static CmcStatusInfo failed(List<Integer> bodyList, FailInfo failInfo, String statusString) {
    return new CmcStatusInfo(CmcStatus.FAILED, bodyList, Optional.of(ControlCharacters.escape(statusString,
        cp -> String.format("\\u%04x", cp))), Optional.of(failInfo));
  }

  ASN1Sequence encode() {
    ASN1EncodableVector v = new ASN1EncodableVector();
    v.add(new ASN1Integer(status.code()));
    v.add(new DERSequence(bodyList.stream().map(BodyPartIds::encode).toArray(ASN1Encodable[]::new)));
    statusString.ifPresent(s -> v.add(new DERUTF8String(s)));
    failInfo.ifPresent(f -> v.add(new ASN1Integer(f.code())));
    return new DERSequence(v);
  }

  static CmcStatusInfo decode(ASN1Encodable value) {
    return Asn1Decoding.decode("CMCStatusInfoV2", () -> {
      ASN1Sequence s = ASN1Sequence.getInstance(value);
      CmcStatus status = CmcStatus.ofCode(ASN1Integer.getInstance(s.getObjectAt(0)).intValueExact());
      List<Integer> bodyList = new ArrayList<>();
      // bodyPartPath (a SEQUENCE) is not used by this CA; only bodyPartID references are read.
      for (ASN1Encodable ref : ASN1Sequence.getInstance(s.getObjectAt(1))) {
        bodyList.add(BodyPartIds.of(ref));
      }
      Optional<String> statusString = Optional.empty();
      Optional<FailInfo> failInfo = Optional.empty();
      for (int i = 2; i < s.size(); i++) {
        ASN1Encodable f = s.getObjectAt(i);
        if (f instanceof ASN1UTF8String u && i == 2) {
          statusString = Optional.of(u.getString());
        } else if (f instanceof ASN1Integer code) {
          failInfo = Optional.of(FailInfo.ofCode(code.intValueExact()));
        }
      }
      return new CmcStatusInfo(status, bodyList, statusString, failInfo);
    });
  }
}
