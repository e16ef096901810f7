package org.p11ca.hsm.bc;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;

/**
 * A Bouncy Castle {@link ContentSigner} whose signature is made on the token, so certificate, CRL, CMS and OCSP
 * builders sign with a key that never leaves it. Not thread safe, like every ContentSigner: make one per signature
 * (construction is cheap; the token and its session pool are shared).
 */
public final class TokenContentSigner implements ContentSigner {

  private static final DefaultSignatureAlgorithmIdentifierFinder FINDER =
      new DefaultSignatureAlgorithmIdentifierFinder();

  private final Token token;
  private final KeyHandle key;
  private final SignatureAlgorithm algorithm;
  private final AlgorithmIdentifier algorithmIdentifier;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(2048);

  public TokenContentSigner(Token token, KeyHandle key, SignatureAlgorithm algorithm) {
    if (key.keyType() != algorithm.keyType()) {
      throw new HsmException(HsmException.Reason.INVALID_INPUT,
          "cannot sign with " + algorithm + " using " + key);
    }
    this.token = token;
    this.key = key;
    this.algorithm = algorithm;
    // For RSASSA-PSS the finder yields the RFC 4055 parameters (MGF1 with the same hash, salt = hash length),
    // which is exactly what the token is asked to do.
    this.algorithmIdentifier = FINDER.find(algorithm.jcaName());
  }

  @Override
  public AlgorithmIdentifier getAlgorithmIdentifier() {
    return algorithmIdentifier;
  }

  @Override
  public OutputStream getOutputStream() {
    return buffer;
  }

  @Override
  public byte[] getSignature() {
    byte[] tbs = buffer.toByteArray();
    buffer.reset();
    return token.sign(key, algorithm, tbs);
  }

  public SignatureAlgorithm algorithm() {
    return algorithm;
  }
}
