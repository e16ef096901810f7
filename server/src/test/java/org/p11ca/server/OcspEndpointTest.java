package org.p11ca.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.hsm.testing.SoftHsm;
import org.p11ca.server.config.ServerConfigLoader;
import org.p11ca.server.testing.CaTokens;
import org.p11ca.server.testing.RawHttps;

/**
 * /ocsp on the real server over HTTPS: POST and GET (RFC 6960 A.1) both answer from the records with a response
 * signed by the CA key; any OCSPResponse is HTTP 200, and only a request whose bytes cannot be got is a 400. The
 * certificate asked about is the server's own TLS certificate, which the CA issued at first start.
 */
class OcspEndpointTest {

  @TempDir
  static Path dir;
  static CaInstance instance;
  static X509CertificateHolder ca;
  static RawHttps client;

  @BeforeAll
  static void start() throws Exception {
    CaTokens.CaToken caToken = CaTokens.create("server-ocsp");
    Path pin = caToken.writePinFile(dir);
    Path file = Files.writeString(dir.resolve("p11ca.yaml"), "dataDir: data\n"
        + "token:\n"
        + "  library: " + SoftHsm.library() + "\n"
        + "  label: " + caToken.token().label() + "\n"
        + "  pinFile: " + pin.getFileName() + "\n"
        + "http: {port: 0, tlsHostNames: [localhost]}\n"
        + "ocsp: {nextUpdate: 30m, signer: ca}\n");
    instance = CaInstance.start(ServerConfigLoader.load(file), Clock.systemUTC());
    ca = CaCore.holder(caToken.caCertificate());
    client = new RawHttps(instance.port(), caToken.caCertificate(), Optional.empty());
  }

  @AfterAll
  static void stop() {
    instance.close();
  }

  private static byte[] request(BigInteger serial) throws Exception {
    return new OCSPReqBuilder().addRequest(new CertificateID(new BcDigestCalculatorProvider()
        .get(CertificateID.HASH_SHA1), ca, serial)).build().getEncoded();
  }

  private static BasicOCSPResp successful(RawHttps.Response answer) throws Exception {
    assertEquals(200, answer.status(), answer.text());
    assertEquals(Optional.of("application/ocsp-response"), answer.header("Content-Type"));
    OCSPResp resp = new OCSPResp(answer.body());
    assertEquals(OCSPResp.SUCCESSFUL, resp.getStatus());
    BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
    assertTrue(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca)));
    return basic;
  }

  private static RawHttps.Response get(String path) throws Exception {
    return RawHttps.Response.parse(client.exchange(("GET " + path + " HTTP/1.0\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII)));
  }

  private static BigInteger tlsSerial() {
    X509Certificate tls = instance.tlsCertificate();
    return tls.getSerialNumber();
  }

  @Test
  void post_answersGoodForTheIssuedTlsCertificate() throws Exception {
    BasicOCSPResp basic = successful(RawHttps.Response.parse(client.exchange(RawHttps.http11Post("/ocsp",
        "Content-Type: application/ocsp-request\r\nConnection: close\r\n", request(tlsSerial())))));
    assertNull(basic.getResponses()[0].getCertStatus(), "good");
    assertEquals(30 * 60 * 1000L, basic.getResponses()[0].getNextUpdate().getTime()
        - basic.getResponses()[0].getThisUpdate().getTime(), "ocsp.nextUpdate: 30m");
  }

  @Test
  void get_withUrlEncodedStandardBase64_answersTheSameWay() throws Exception {
    // A nonce varied until the base64 holds '/', '+' and '=', which clients send as %2F, %2B and %3D.
    String encoded = "";
    for (int i = 0; i < 10_000 && !(encoded.contains("%2F") && encoded.contains("%2B") && encoded.contains("%3D")); i++) {
      byte[] nonce = new byte[16 + i % 3];
      java.util.Arrays.fill(nonce, (byte) i);
      nonce[0] = (byte) (i >> 8);
      byte[] der = new OCSPReqBuilder().addRequest(new CertificateID(new BcDigestCalculatorProvider()
          .get(CertificateID.HASH_SHA1), ca, tlsSerial())).setRequestExtensions(new org.bouncycastle.asn1.x509
          .Extensions(new org.bouncycastle.asn1.x509.Extension(
          org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
          new org.bouncycastle.asn1.DEROctetString(nonce).getEncoded()))).build().getEncoded();
      encoded = URLEncoder.encode(Base64.getEncoder().encodeToString(der), StandardCharsets.US_ASCII);
    }
    BasicOCSPResp basic = successful(get("/ocsp/" + encoded));
    assertNull(basic.getResponses()[0].getCertStatus(), "good");
    assertTrue(basic.hasExtensions(), "the nonce came back");
  }

  @Test
  void get_withBase64UrlWithoutPadding_isUnderstoodToo() throws Exception {
    String base64url = Base64.getUrlEncoder().withoutPadding().encodeToString(request(BigInteger.TEN));
    BasicOCSPResp basic = successful(get("/ocsp/" + base64url));
    assertInstanceOf(UnknownStatus.class, basic.getResponses()[0].getCertStatus());
  }

  @Test
  void garbagePosted_isHttp200WithMalformedRequest() throws Exception {
    RawHttps.Response answer = RawHttps.Response.parse(client.exchange(RawHttps.http10Post("/ocsp",
        new byte[] {0x30, 0x03, 0x01, 0x02, 0x03})));
    assertEquals(200, answer.status(), answer.text());
    assertEquals(OCSPResp.MALFORMED_REQUEST, new OCSPResp(answer.body()).getStatus());
  }

  @Test
  void getWithoutBase64_isHttp400WithAReason() throws Exception {
    RawHttps.Response answer = get("/ocsp/not*base64!");
    assertEquals(400, answer.status());
    assertTrue(answer.text().contains("base64"), answer.text());
    assertEquals(400, get("/ocsp").status());
    for (String path : java.util.List.of("/ocsp/%zz", "/ocsp/MA%", "/ocsp/%00%00", "/ocsp/a%2", "/ocsp/%C0%AF",
        "/ocsp/" + "A".repeat(3000), "/ocsp/MAA=?x=%zz", "/ocsp/..%2F..%2Fetc")) {
      int status = get(path).status();
      assertTrue(status == 400 || status == 200, path + " answered " + status);
    }
  }

  @Test
  void put_isHttp405() throws Exception {
    RawHttps.Response answer = RawHttps.Response.parse(client.exchange(
        "PUT /ocsp HTTP/1.0\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(405, answer.status());
    assertEquals(Optional.of("GET, POST"), answer.header("Allow"));
  }
}
