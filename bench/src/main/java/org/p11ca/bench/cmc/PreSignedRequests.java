package org.p11ca.bench.cmc;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.crmf.CRMFException;
import org.bouncycastle.cert.crmf.CertificateRequestMessageBuilder;
import org.p11ca.ca.cmc.CmcRequestBuilder;

/**
 * User-signed CMC Full PKI Requests, built and signed before the timed phase, so the load generator's cores go to
 * sending and checking, not to signatures of its own.
 *
 * <p>Making a key pair per request would dominate the generator's cost, so each identity has one subscriber key
 * of its own and asks again and again, by a CRMF request with a signature POP made once, for a new certificate on
 * it (a same-key renewal; a key is never shared between identities, which the CA refuses). Every request is still a distinct CMC message, with its own senderNonce and
 * transactionId, signed anew (SignedData over PKIData) by the identity's own certificate key. With
 * {@link SubscriberKeys#FRESH} every request instead carries a key no earlier request had ({@link FreshRsaKeys}
 * for RSA-2048; a new key pair each for P-256), with its own signature POP. The keys, the identities' included, are
 * of one {@link SubscriberKeyType}.
 */
final class PreSignedRequests {

  /**
   * One request, who signed it and the key it asks to certify: its response must issue a certificate of that key
   * to that identity's subject.
   */
  record Request(byte[] der, BenchAuthority.Identity signer, SubjectPublicKeyInfo requestedKey) {
  }

  private final List<BenchAuthority.Identity> identities;
  private final List<CertReqMsg> crmfByIdentity;
  /**
   * With {@link SubscriberKeys#FRESH}, the next n requests' own keys: RSA-2048 from pooled primes
   * ({@link FreshRsaKeys}), P-256 generated (cheap for EC); empty when each identity renews one key.
   */
  private final Optional<IntFunction<List<KeyPair>>> freshKeys;
  private final X509CertificateHolder caCertificate;
  private final SecureRandom random = new SecureRandom();
  private final AtomicLong transactionIds = new AtomicLong(1);

  private List<Request> ready = List.of();
  private final AtomicInteger next = new AtomicInteger();

  PreSignedRequests(List<BenchAuthority.Identity> identities, X509CertificateHolder caCert,
      SubscriberKeys subscriberKeys, SubscriberKeyType keyType) {
    this.identities = List.copyOf(identities);
    this.caCertificate = caCert;
    this.freshKeys = subscriberKeys != SubscriberKeys.FRESH ? Optional.empty()
        : Optional.of(keyType == SubscriberKeyType.RSA2048 ? new FreshRsaKeys(random)::next
            : count -> generated(keyType, count));
    // With fresh keys every request makes its own CRMF; the identities' renewed keys are not needed.
    List<KeyPair> keys = generated(keyType, freshKeys.isPresent() ? 0 : identities.size());
    List<CertReqMsg> crmf = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      crmf.add(crmf(keys.get(i), identities.get(i).certificate()));
    }
    this.crmfByIdentity = List.copyOf(crmf);
  }

  /**
   * Replaces what is ready with {@code count} fresh requests, signed on all cores. Called between timed rounds
   * only; requests left over from a round are dropped rather than sent later, so every round gets fresh ones.
   */
  void prepare(int count) {
    List<KeyPair> keys = freshKeys.map(f -> f.apply(count)).orElse(List.of());
    ready = IntStream.range(0, count).parallel()
        .mapToObj(n -> build(n, keys.isEmpty() ? crmfByIdentity.get(n % identities.size())
            : crmf(keys.get(n), identities.get(n % identities.size()).certificate())))
        .toList();
    next.set(0);
  }

  /**
   * Hands out the prepared requests again from the first: for unmeasured load only (settling the server's JIT),
   * where signing fresh ones for every round would only make the run longer. The CA issues a new certificate for
   * each again (nothing in a user-signed request is single-use).
   */
  void rewind() {
    next.set(0);
  }

  int prepared() {
    return ready.size();
  }

  /** The next unsent request, or null when the round used them all up (it then ends early, and says so). */
  Request take() {
    int i = next.getAndIncrement();
    return i < ready.size() ? ready.get(i) : null;
  }

  /** How many were handed out since {@link #prepare} (at most the number prepared). */
  int taken() {
    return Math.min(next.get(), ready.size());
  }

  private Request build(int n, CertReqMsg crmf) {
    BenchAuthority.Identity signer = identities.get(n % identities.size());
    byte[] der = new CmcRequestBuilder(random).dogtagStyleSenderNonce()
        .transactionId(BigInteger.valueOf(transactionIds.getAndIncrement()))
        .crmf(crmf)
        .sign(BenchAuthority.softwareSigner(signer.keys()), signer.certificate(),
            List.of(signer.certificate(), caCertificate), Clock.systemUTC());
    return new Request(der, signer, crmf.getCertReq().getCertTemplate().getPublicKey());
  }

  private static List<KeyPair> generated(SubscriberKeyType type, int count) {
    return IntStream.range(0, count).parallel().mapToObj(i -> type.generate()).toList();
  }

  /** CRMF for the signer's own subject (the user-signed profile issues to it) with a signature POP. */
  private static CertReqMsg crmf(KeyPair subscriberKey, X509CertificateHolder signerCert) {
    try {
      return new CertificateRequestMessageBuilder(BigInteger.ONE)
          .setPublicKey(SubjectPublicKeyInfo.getInstance(subscriberKey.getPublic().getEncoded()))
          .setSubject(signerCert.getSubject())
          .setProofOfPossessionSigningKeySigner(BenchAuthority.softwareSigner(subscriberKey))
          .build().toASN1Structure();
    } catch (CRMFException e) {
      throw new IllegalStateException("cannot build a CRMF request", e);
    }
  }
}
