package org.p11ca.ca.cmc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.p11ca.ca.error.FailInfo;

class CmcStatusInfoTest {

  @Test
  void failed_statusStringQuotingLineBreaks_isSentAsOneLine() {
    CmcStatusInfo status = CmcStatusInfo.failed(List.of(1), FailInfo.BAD_REQUEST,
        "no certificate profile 'x\r\nSet-Cookie: y' on this CA\u2028");
    assertEquals("no certificate profile 'x\\u000d\\u000aSet-Cookie: y' on this CA\\u2028",
        status.statusString().orElseThrow());
  }

  @Test
  void failed_plainStatusString_isKeptAsItIs() {
    assertEquals("request 1: RSA key of 1024 bits is below the profile's minimum 2048", CmcStatusInfo.failed(
        List.of(1), FailInfo.BAD_REQUEST, "request 1: RSA key of 1024 bits is below the profile's minimum 2048")
        .statusString().orElseThrow());
  }
}
