package org.p11ca.ca.crypto;

import java.io.OutputStream;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentVerifier;

/** A verifier fed through one output stream (a signature's or a digest's); subclasses say what verifies. */
abstract class StreamVerifier implements ContentVerifier {
  private final AlgorithmIdentifier algorithm;
  private final OutputStream input;

  StreamVerifier(AlgorithmIdentifier algorithm, OutputStream input) {
    this.algorithm = algorithm;
    this.input = input;
  }

  @Override
  public final AlgorithmIdentifier getAlgorithmIdentifier() {
    return algorithm;
  }

  @Override
  public final OutputStream getOutputStream() {
    return input;
  }
}
