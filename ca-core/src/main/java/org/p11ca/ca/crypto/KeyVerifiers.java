package org.p11ca.ca.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * {@link SignatureVerifiers} for keys that sign again and again (CMC signers: agents, RAs, users renewing), the
 * most recently used kept, at most {@code capacity}. A kept provider skips reading the key each time (~16 us for an
 * RSA key), and an ECDSA one keeps Bouncy Castle's precomputation for its point (a P-256 check ~90 us instead of
 * ~200 us once the point is moved to the fixed-point method). Keyed by the exact SubjectPublicKeyInfo encoding, so a
 * provider is only ever used for the key it was built for. Thread safe.
 */
public final class KeyVerifiers {

  private final Map<ByteBuffer, ContentVerifierProvider> recent;

  public KeyVerifiers(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
    }
    this.recent = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<ByteBuffer, ContentVerifierProvider> eldest) {
        return size() > capacity;
      }
    };
  }

  /** The verifiers for {@code key}: see {@link SignatureVerifiers#of(SubjectPublicKeyInfo)}. */
  public ContentVerifierProvider of(SubjectPublicKeyInfo key) throws OperatorCreationException {
    ByteBuffer id;
    try {
      id = ByteBuffer.wrap(key.getEncoded());
    } catch (IOException e) {
      throw new OperatorCreationException("public key cannot be encoded: " + e.getMessage(), e);
    }
    synchronized (recent) {
      ContentVerifierProvider kept = recent.get(id);
      if (kept != null) {
        return kept;
      }
    }
    // Built outside the lock: reading a key is the slow part, and two threads building the same one is harmless.
    ContentVerifierProvider built = SignatureVerifiers.of(key);
    synchronized (recent) {
      ContentVerifierProvider raced = recent.putIfAbsent(id, built);
      return raced != null ? raced : built;
    }
  }

  /** For tests: how many keys are kept. */
  int size() {
    synchronized (recent) {
      return recent.size();
    }
  }
}
