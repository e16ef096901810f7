package org.p11ca.bench.kra;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.crmf.AttributeTypeAndValue;
import org.bouncycastle.asn1.crmf.CRMFObjectIdentifiers;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.crmf.CertRequest;
import org.bouncycastle.asn1.crmf.CertTemplateBuilder;
import org.bouncycastle.asn1.crmf.Controls;
import org.bouncycastle.asn1.crmf.EncryptedKey;
import org.bouncycastle.asn1.crmf.EncryptedValue;
import org.bouncycastle.asn1.crmf.PKIArchiveOptions;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.p11ca.ca.kra.ArchiveOptions;

/**
 * Archival requests built in software before anything is timed, the way a subscriber's client builds them
 * ({@code p11ca-cmc crmf --transport}, client's KraTransport; re-created here because bench does not depend on
 * client): a fresh AES-128 session key wraps the subscriber's PKCS#8 PrivateKeyInfo with RFC 5649 (symmAlg
 * id-aes128-wrap-pad), and is itself RSA PKCS#1 v1.5-encrypted to the KRA transport key, in the
 * PKIArchiveOptions control of a CRMF CertRequest (RFC 4211 section 6.4). Each request is read back with the CA's
 * own {@link ArchiveOptions#of}, so the bench archives exactly what the server would.
 *
 * <p>Subscriber key pairs are few and reused (generating RSA-2048 keys is slow and nothing on the token depends on
 * which key it is); every request has its own session key and so its own encSymmKey and encValue.
 */
final class ArchivalRequests {

  /** One archival: what the server hands to KeyArchiver.archive. */
  record Request(ArchiveOptions options, SubjectPublicKeyInfo requestedKey, int subscriberKey) {
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  /** AES-128, as NSS and the p11ca client use and id-aes128-wrap-pad names. */
  private static final int SESSION_KEY_BYTES = 16;

  private final List<Request> requests;
  private final int subscriberKeys;
  private final AtomicInteger nextRequest = new AtomicInteger();

  private ArchivalRequests(List<Request> requests, int subscriberKeys) {
    this.requests = List.copyOf(requests);
    this.subscriberKeys = subscriberKeys;
  }

  /**
   * @param subscriberKeys how many RSA-2048 subscriber key pairs to generate
   * @param count how many requests, spread round-robin over the subscriber keys
   */
  static ArchivalRequests build(PublicKey transportKey, int subscriberKeys, int count) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, RANDOM);
      List<KeyPair> subscribers = new ArrayList<>();
      for (int i = 0; i < subscriberKeys; i++) {
        subscribers.add(generator.generateKeyPair());
      }
      List<Request> requests = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int key = i % subscriberKeys;
        requests.add(request(transportKey, randomSessionKey(), subscribers.get(key), key));
      }
      return new ArchivalRequests(requests, subscriberKeys);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("building archival requests in software failed: " + e.getMessage(), e);
    }
  }

  private static byte[] randomSessionKey() {
    byte[] key = new byte[SESSION_KEY_BYTES];
    RANDOM.nextBytes(key);
    return key;
  }

  private static Request request(PublicKey transportKey, byte[] sessionKey, KeyPair subscriber, int index)
      throws GeneralSecurityException, IOException {
    Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
    kwp.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sessionKey, "AES"));
    byte[] pkcs8 = subscriber.getPrivate().getEncoded();
    byte[] wrapped = kwp.doFinal(pkcs8);
    Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    rsa.init(Cipher.ENCRYPT_MODE, transportKey, RANDOM);
    byte[] encryptedSessionKey = rsa.doFinal(sessionKey);
    Arrays.fill(sessionKey, (byte) 0);
    Arrays.fill(pkcs8, (byte) 0);
    // RFC 5649 section 6 (via RFC 3565): id-aes128-wrap-pad takes no parameters.
    EncryptedValue value = new EncryptedValue(null, new AlgorithmIdentifier(NISTObjectIdentifiers.id_aes128_wrap_pad),
        new DERBitString(encryptedSessionKey), null, null, new DERBitString(wrapped));
    AttributeTypeAndValue control = new AttributeTypeAndValue(CRMFObjectIdentifiers.id_regCtrl_pkiArchiveOptions,
        new PKIArchiveOptions(new EncryptedKey(value)));
    SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(subscriber.getPublic().getEncoded());
    CertRequest certRequest = new CertRequest(index, new CertTemplateBuilder().setPublicKey(publicKey).build(),
        new Controls(control));
    CertReqMsg msg = CertReqMsg.getInstance(new CertReqMsg(certRequest, null, null).getEncoded());
    ArchiveOptions options = ArchiveOptions.of(msg).orElseThrow(() -> new IllegalStateException(
        "the CA finds no PKIArchiveOptions in the request the bench built"));
    return new Request(options, msg.getCertReq().getCertTemplate().getPublicKey(), index);
  }

  /** The next request, round-robin; safe from several threads. */
  Request next() {
    return requests.get(Math.floorMod(nextRequest.getAndIncrement(), requests.size()));
  }

  /**
   * The first request of each subscriber key: what the checks before timing archive, and whose session keys stay
   * on the token for the raw private-key unwrap.
   */
  List<Request> onePerSubscriberKey() {
    // Request i is of subscriber key i mod n, so the first n requests are one of each.
    return requests.subList(0, Math.min(subscriberKeys, requests.size()));
  }

  int size() {
    return requests.size();
  }
}
