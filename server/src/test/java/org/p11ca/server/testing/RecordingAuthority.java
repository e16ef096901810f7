package org.p11ca.server.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.bouncycastle.cert.X509CertificateHolder;
import org.p11ca.ca.cmc.CmcStatus;
import org.p11ca.ca.service.CmcAuthority;
import org.p11ca.ca.service.CmcReply;
import org.p11ca.ca.service.CmcSubmission;

/**
 * A test-only CA front: records what the transport handed over and answers as told. It stands in for CmcService
 * where the test is about HTTP, not about CMC.
 */
public final class RecordingAuthority implements CmcAuthority {

  /** A stand-in for a signed CMC response: the transport must pass it on byte for byte. */
  public static final byte[] RESPONSE_DER = {0x30, 0x06, 0x02, 0x01, 0x2a, 0x04, 0x01, (byte) 0xff, 0x0d, 0x0a};

  private final List<CmcSubmission> submissions = new CopyOnWriteArrayList<>();
  private final List<X509CertificateHolder> chain;
  private volatile Function<CmcSubmission, CmcReply> answer =
      s -> new CmcReply.Response(RESPONSE_DER, CmcReply.CMC_RESPONSE_MEDIA_TYPE, CmcStatus.SUCCESS);

  public RecordingAuthority(List<X509CertificateHolder> chain) {
    this.chain = List.copyOf(chain);
  }

  public RecordingAuthority answering(Function<CmcSubmission, CmcReply> answer) {
    this.answer = answer;
    return this;
  }

  public List<CmcSubmission> submissions() {
    return submissions;
  }

  public CmcSubmission last() {
    return submissions.get(submissions.size() - 1);
  }

  @Override
  public CmcReply handle(CmcSubmission submission) {
    submissions.add(submission);
    return answer.apply(submission);
  }

  @Override
  public List<X509CertificateHolder> caChain() {
    return chain;
  }
}
