package org.p11ca.bench.cmc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.crmf.CertificateRequestMessage;
import org.bouncycastle.cert.crmf.jcajce.JcaCertificateRequestMessage;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.Test;
import org.p11ca.ca.cmc.CmcRequest;
import org.p11ca.ca.cmc.CmcRequestParser;
import org.p11ca.ca.cmc.TaggedRequest;

/**
 * The load generator's requests with P-256 subscribers (--subscriber-key-type p256): signed by the identity's EC
 * key, asking for an EC P-256 key with a POP that verifies, one key per identity when renewed and one per request
 * when fresh.
 */
class PreSignedRequestsTest {

  private static final ASN1ObjectIdentifier ECDSA_WITH_SHA256 = X9ObjectIdentifiers.ecdsa_with_SHA256;
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  @Test
  void p256Subscribers_signWithEcdsaAndAskForTheirP256Key() throws Exception {
    KeyPair caKeys = SubscriberKeyType.RSA2048.generate();
    X509CertificateHolder caCert = certificate("CN=test CA", caKeys, caKeys);
    List<BenchAuthority.Identity> identities = identities(caKeys, 2, SubscriberKeyType.P256);

    PreSignedRequests requests = new PreSignedRequests(identities, caCert, SubscriberKeys.RENEWED,
        SubscriberKeyType.P256);
    requests.prepare(4);
    List<SubjectPublicKeyInfo> asked = new ArrayList<>();
    for (int n = 0; n < 4; n++) {
      PreSignedRequests.Request r = requests.take();
      assertSignedByItsIdentityWithEcdsa(r);
      asked.add(assertAsksForP256WithValidPop(r));
    }
    // Renewed: identity 0 asks again for the key it asked for first, and the two identities' keys differ.
    assertEquals(asked.get(0), asked.get(2));
    assertEquals(asked.get(1), asked.get(3));
    assertNotEquals(asked.get(0), asked.get(1));
  }

  @Test
  void p256Fresh_everyRequestAsksForAKeyOfItsOwn() throws Exception {
    PreSignedRequests requests = freshRequests(SubscriberKeyType.P256);
    Set<SubjectPublicKeyInfo> asked = new HashSet<>();
    requests.prepare(3);
    for (int n = 0; n < 3; n++) {
      asked.add(assertAsksForP256WithValidPop(requests.take()));
    }
    requests.prepare(3);
    for (int n = 0; n < 3; n++) {
      asked.add(assertAsksForP256WithValidPop(requests.take()));
    }
    assertEquals(6, asked.size());
  }

  @Test
  void rsaFresh_everyRequestAsksForAnRsaKeyOfItsOwn() throws Exception {
    PreSignedRequests requests = freshRequests(SubscriberKeyType.RSA2048);
    requests.prepare(3);
    Set<SubjectPublicKeyInfo> asked = new HashSet<>();
    for (int n = 0; n < 3; n++) {
      PreSignedRequests.Request r = requests.take();
      SignerInformation signer = new CMSSignedData(r.der()).getSignerInfos().getSigners().iterator().next();
      assertTrue(signer.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BC)
          .build(r.signer().certificate())));
      TaggedRequest.Crmf crmf = (TaggedRequest.Crmf) CmcRequestParser.parse(r.der()).pkiData().requests().get(0);
      SubjectPublicKeyInfo key = crmf.msg().getCertReq().getCertTemplate().getPublicKey();
      assertEquals(PKCSObjectIdentifiers.rsaEncryption, key.getAlgorithm().getAlgorithm());
      assertEquals(key, r.requestedKey());
      assertTrue(new JcaCertificateRequestMessage(crmf.msg()).isValidSigningKeyPOP(
          new JcaContentVerifierProviderBuilder().setProvider(BC).build(key)));
      asked.add(key);
    }
    assertEquals(3, asked.size());
  }

  private static void assertSignedByItsIdentityWithEcdsa(PreSignedRequests.Request r) throws Exception {
    SignerInformation signer = new CMSSignedData(r.der()).getSignerInfos().getSigners().iterator().next();
    assertEquals(ECDSA_WITH_SHA256.getId(), signer.getEncryptionAlgOID());
    assertTrue(signer.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BC).build(r.signer().certificate())));
  }

  private static SubjectPublicKeyInfo assertAsksForP256WithValidPop(PreSignedRequests.Request r) throws Exception {
    CmcRequest parsed = CmcRequestParser.parse(r.der());
    TaggedRequest.Crmf crmf = (TaggedRequest.Crmf) parsed.pkiData().requests().get(0);
    SubjectPublicKeyInfo key = crmf.msg().getCertReq().getCertTemplate().getPublicKey();
    assertEquals(X9ObjectIdentifiers.id_ecPublicKey, key.getAlgorithm().getAlgorithm());
    assertEquals(SECObjectIdentifiers.secp256r1, key.getAlgorithm().getParameters());
    assertEquals(key, r.requestedKey());
    CertificateRequestMessage message = new JcaCertificateRequestMessage(crmf.msg());
    assertTrue(message.isValidSigningKeyPOP(new JcaContentVerifierProviderBuilder().setProvider(BC).build(key)));
    return key;
  }

  /** Two identities of {@code type} certified by a throwaway CA, each request asking for a key of its own. */
  private static PreSignedRequests freshRequests(SubscriberKeyType type) {
    KeyPair caKeys = SubscriberKeyType.RSA2048.generate();
    return new PreSignedRequests(identities(caKeys, 2, type), certificate("CN=test CA", caKeys, caKeys),
        SubscriberKeys.FRESH, type);
  }

  private static List<BenchAuthority.Identity> identities(KeyPair caKeys, int count, SubscriberKeyType type) {
    List<BenchAuthority.Identity> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      KeyPair keys = type.generate();
      out.add(new BenchAuthority.Identity(keys, certificate("UID=user-" + i + ",O=test", keys, caKeys)));
    }
    return out;
  }

  private static X509CertificateHolder certificate(String subject, KeyPair subjectKeys, KeyPair issuerKeys) {
    Instant now = Instant.now();
    return new X509v3CertificateBuilder(new X500Name("CN=test CA"), BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(1))), new X500Name(subject),
        SubjectPublicKeyInfo.getInstance(subjectKeys.getPublic().getEncoded()))
        .build(SubscriberKeyType.of(issuerKeys).signer(issuerKeys));
  }
}
