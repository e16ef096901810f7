package org.p11ca.client;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.p11ca.ca.cmc.CmcRequestBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "request", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Wraps a CRMF or PKCS#10 request in a signed CMC Full PKI Request (RFC 5272), like Dogtag's"
        + " CMCRequest: signed by a signer certificate's key, or with --self-signed by the requested key itself;"
        + " --identity-proof-v2 and --pop-link-witness-v2 add the shared-secret controls of RFC 5272 section 6.",
        "With --decrypted-pop, answers a round-1 EncryptedPOP challenge instead (RFC 5272 section"
        + " 6.7): decrypts it with the requested key, checks the witness and writes the round-2 request.",
        "Options override the values of a Dogtag CMCRequest .cfg file given with --config."})
final class RequestCommand implements Callable<Integer> {

  /** The CMCRequest keys this command maps or knowingly ignores; anything else in a cfg file is refused. */
  private static final Set<String> CONFIG_KEYS = Set.of(
      "numRequests", "input", "output", "format", "nickname", "tokenname", "dbdir", "password",
      "senderNonce.enable", "transactionMgt.enable", "request.useSharedSecret", "request.privKeyId",
      "identification.enable", "identification", "identityProofV2.enable", "identityProofV2.hashAlg",
      "identityProofV2.macAlg", "witness.sharedSecret", "popLinkWitnessV2.enable", "popLinkWitnessV2.keyGenAlg",
      "popLinkWitnessV2.macAlg", "revRequest.enable", "revRequest.serial", "revRequest.reason",
      "revRequest.comment", "revRequest.invalidityDatePresent", "revRequest.issuer", "revRequest.sharedSecret",
      "decryptedPop.enable", "encryptedPopResponseFile", "decryptedPopRequestFile", "confirmCertAcceptance.enable",
      "getCert.enable", "dataReturn.enable", "regInfo.enable", "lraPopWitness.enable", "oaep");

  @Spec
  CommandSpec spec;

  @ParentCommand
  CmcTool tool;

  @Option(names = "--config", paramLabel = "<file>", description = "a Dogtag CMCRequest .cfg file")
  Path config;

  @Option(names = "--in", paramLabel = "<file>", description = "the CRMF or PKCS#10 request (DER or base64)")
  Path in;

  @Option(names = "--format", paramLabel = "<crmf|pkcs10>", description = "the request's format (default: detected)")
  String format;

  @Mixin
  SignerOptions signer;

  @Option(names = "--self-signed", description = "sign with the requested key itself (--key-p12 or --key-label)"
      + " instead of a signer's: no certificate, the SignerInfo names the key by its subjectKeyIdentifier (RFC 5272"
      + " section 3.2.1.3.2; Dogtag's request.useSharedSecret=true). The CA then needs --identity-proof-v2.")
  boolean selfSigned;

  @Mixin
  RequestKeyOptions requestKey;

  @Option(names = "--transaction-id", paramLabel = "<n>", description = "transactionId, decimal or 0x hex"
      + " (default: as Dogtag, MD5 of the request's public key)")
  String transactionId;

  @Option(names = "--no-transaction-id", description = "send no transactionId control")
  boolean noTransactionId;

  @Option(names = "--identification", paramLabel = "<text>", description = "add an identification control")
  String identification;

  @Mixin
  SharedSecretOptions sharedSecret;

  @Option(names = "--dogtag-nonce", description = "send the senderNonce as base64 text + CRLF, as Dogtag's"
      + " CMCRequest does (default: 32 random octets)")
  boolean dogtagNonce;

  @Option(names = "--out", paramLabel = "<file>", description = "file to write the CMC request to (DER)")
  Path out;

  @Mixin
  DecryptedPopOptions decryptedPop;

  private final SecureRandom random = new SecureRandom();

  @Override
  public Integer call() {
    if (config != null) {
      applyConfig(DogtagConfig.read(tool.resolve(config)).allowOnly(CONFIG_KEYS, "p11ca-cmc request"));
    }
    if (noTransactionId && transactionId != null) {
      throw new UsageException("give --transaction-id or --no-transaction-id, not both");
    }
    if (decryptedPop.enabled) {
      if (selfSigned || sharedSecret.anyGiven()) {
        throw new UsageException("--self-signed, --identity-proof-v2 and --pop-link-witness-v2 do not go"
            + " with --decrypted-pop: the round-2 answer is signed by the signer, as round 1 was");
      }
      return answerChallenge();
    }
    if (decryptedPop.anyGiven()) {
      throw new UsageException("--response, --oaep and --ca only go with --decrypted-pop");
    }
    return wrapRequest();
  }

  /**
   * One CRMF or PKCS#10 request in a Full PKI Request, signed by the signer or, self-signed, by the requested key.
   * Everything that can be refused without reading a file is refused first.
   */
  private int wrapRequest() {
    if (in == null || out == null) {
      throw new UsageException("give --in FILE and --out FILE (or input= and output= in --config)");
    }
    SharedSecretControls controls = sharedSecret.checked(Optional.ofNullable(identification));
    boolean needsKey = selfSigned || controls.popLink().isPresent();
    checkKeysGiven(needsKey);
    Path input = tool.resolve(in);
    Optional<EnrollmentRequest.Format> givenFormat = Optional.ofNullable(format).map(EnrollmentRequest.Format::parse);
    EnrollmentRequest request = EnrollmentRequest.decode(
        Pem.derOrBase64(LocalFiles.read(input, "request file"), input, "request file"), givenFormat,
        "request file " + input);
    Optional<BigInteger> txId = noTransactionId ? Optional.empty()
        : Optional.of(transactionId != null ? parseTransactionId(transactionId)
            : DogtagTransactionId.of(request.publicKeyInfo()));

    CmcRequestBuilder builder = newBuilder(txId);
    try (SharedSecret secret = controls.any() ? sharedSecret.read(tool) : SharedSecret.none()) {
      if (!needsKey) {
        addRequest(builder, request, controls, secret);
        signAndWrite(builder, txId, false);
        return 0;
      }
      try (RequestKey key = requestKey.open(tool, signer)) {
        if (!request.hasKey(key)) {
          // Caught here, not at the CA: a signature by another key makes a request no CA can verify.
          throw new CmcToolException("the requested key in " + key.describe() + " is not the key of the request in "
              + input + ": " + (selfSigned ? "--self-signed signs with the request's own key"
                  : "the request's signature must be redone with its own key"));
        }
        EnrollmentRequest sent = controls.popLink().isPresent()
            ? linkPop(builder, request, controls.popLink().get(), secret, key) : request;
        addRequest(builder, sent, controls, secret);
        if (selfSigned) {
          SelfSignerKeyId keyId = SelfSignerKeyId.of(sent);
          write(builder.signSelf(key.signer(), keyId.keyId(), Clock.systemUTC()), "the requested key (self-signed,"
              + " subjectKeyIdentifier " + keyId.hex() + ", " + keyId.origin() + ")", txId);
          return 0;
        }
      }
      // The requested key (and its token) is closed before the signer opens its own.
      signAndWrite(builder, txId, requestKey.onToken());
      return 0;
    }
  }

  /** Which keys a request needs: the requested key, a signer's, or both (popLinkWitnessV2 with a signer). */
  private void checkKeysGiven(boolean needsRequestKey) {
    if (selfSigned && signer.anyGiven()) {
      throw new UsageException("--self-signed signs with the requested key, so --signer-p12,"
          + " --signer-label, --signer-cert and --chain do not go with it");
    }
    if (!needsRequestKey) {
      if (requestKey.anyGiven()) {
        throw new UsageException("--key-p12, --key-label and their password options only go with"
            + " --decrypted-pop, --self-signed or --pop-link-witness-v2");
      }
      return;
    }
    requestKey.require(selfSigned ? "--self-signed (a cfg's request.useSharedSecret=true) signs with the requested"
        + " key" : "--pop-link-witness-v2 re-signs the request with the requested key");
    if (!selfSigned && signer.p12 == null && signer.label == null) {
      // Refused now rather than after the requested key was opened (perhaps with a prompt) for nothing.
      throw new UsageException("give the CMC signer, --signer-p12 FILE or --token LABEL --signer-label"
          + " LABEL, or --self-signed to sign with the requested key");
    }
  }

  /** senderNonce, transactionId and identification, the controls every request here starts with. */
  private CmcRequestBuilder newBuilder(Optional<BigInteger> txId) {
    CmcRequestBuilder builder = new CmcRequestBuilder(random);
    if (dogtagNonce) {
      builder.dogtagStyleSenderNonce();
    }
    txId.ifPresent(builder::transactionId);
    if (identification != null) {
      builder.identification(identification);
    }
    return builder;
  }

  /**
   * R goes in a popLinkRandom control and the witness into the request, which is rebuilt and re-signed; it is that
   * rebuilt request which goes into reqSequence, so identityProofV2 (computed over reqSequence) covers the witness.
   */
  private EnrollmentRequest linkPop(CmcRequestBuilder builder, EnrollmentRequest request,
      SharedSecretControls.PopLink algorithms, SharedSecret secret, RequestKey key) {
    PopLinkWitness witness = PopLinkWitness.compute(algorithms, secret, identification, random);
    builder.popLinkRandom(witness.random());
    PopLinkedRequests.Rebuilt rebuilt = PopLinkedRequests.withWitness(request, witness.value(), key);
    spec.commandLine().getOut().println("popLinkWitnessV2: " + algorithms.describe() + " over popLinkRandom ("
        + PopLinkWitness.RANDOM_OCTETS + " octets), " + rebuilt.describe());
    return rebuilt.request();
  }

  /** The request into reqSequence, then identityProofV2, which the builder computes over reqSequence when encoding. */
  private void addRequest(CmcRequestBuilder builder, EnrollmentRequest request, SharedSecretControls controls,
      SharedSecret secret) {
    if (request instanceof EnrollmentRequest.Crmf crmf) {
      builder.crmf(crmf.msg());
    } else {
      builder.pkcs10(1, ((EnrollmentRequest.Pkcs10) request).csr());
    }
    controls.identityProof().ifPresent(proof -> {
      builder.identityProofV2(proof.hash().id(), proof.mac().id(), secret.revealUtf8());
      spec.commandLine().getOut().println("identityProofV2: " + proof.describe() + " over reqSequence");
    });
  }

  /**
   * Round 2 of RFC 5272 section 6.7, as Dogtag's CMCRequest with decryptedPop.enable=true builds it. The challenge
   * is decrypted and its witness checked before anything is signed: on a mismatch the client must not answer, so
   * no request is written.
   */
  private int answerChallenge() {
    if (in != null) {
      throw new UsageException("--in is not used with --decrypted-pop: the challenged request comes back"
          + " inside the encryptedPOP of --response");
    }
    if (decryptedPop.response == null || out == null) {
      throw new UsageException("--decrypted-pop needs --response FILE (the round-1 response) and --out FILE"
          + " (or encryptedPopResponseFile= and decryptedPopRequestFile= in --config)");
    }
    requestKey.require("--decrypted-pop needs the requested key that decrypts the challenge");
    Path responseFile = tool.resolve(decryptedPop.response);
    Optional<X509Certificate> responseCa = Optional.ofNullable(decryptedPop.ca)
        .map(c -> Pem.readCertificate(tool.resolve(c), "CA certificate file"));
    EncryptedPopChallenge challenge = EncryptedPopChallenge.read(responseFile, responseCa);
    var stdout = spec.commandLine().getOut();
    responseCa.ifPresent(c -> stdout.println("Round-1 response signature: verified against "
        + SubjectName.format(Certificates.holder(c).getSubject())));
    stdout.println("Round-1 response " + responseFile + ": CMC encrypted POP ("
        + (challenge.pop().dogtagFormat() ? "Dogtag format" : "RFC 5272 format") + "), CMC ResponseInfo requestID: "
        + challenge.requestId());
    byte[] proof;
    try (RequestKey key = requestKey.open(tool, signer)) {
      SessionKeyDecryption decryption = new SessionKeyDecryption(key, decryptedPop.oaep);
      proof = challenge.proof(key, decryption);
      stdout.println("Challenge decrypted with " + SessionKeyDecryption.named(key) + " (session key "
          + decryption.used().orElse("?") + "): witness verified");
    }
    // RFC 5272 section 6.6: the transaction goes on, so by default the transactionId round 1 had (the response
    // echoes it); Dogtag's CMCRequest sends none in round 2, which the CA accepts too.
    Optional<BigInteger> txId = noTransactionId ? Optional.empty()
        : transactionId != null ? Optional.of(parseTransactionId(transactionId)) : challenge.transactionId();
    CmcRequestBuilder builder = newBuilder(txId);
    challenge.roundTwo(builder, proof);
    stdout.println("decryptedPOP: HMAC-SHA256 proof over the challenged request; regInfo: requestID "
        + challenge.requestId());
    signAndWrite(builder, txId, true);
    return 0;
  }

  private void signAndWrite(CmcRequestBuilder builder, Optional<BigInteger> txId, boolean tokenMayHoldRequestKey) {
    byte[] cmc;
    String signedBy;
    try (CmcSigner s = signer.open(tool, tokenMayHoldRequestKey)) {
      cmc = builder.sign(s.key().signer(), s.certificate(), s.certificates(), Clock.systemUTC());
      signedBy = SubjectName.format(s.certificate().getSubject()) + " (serial 0x"
          + s.certificate().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT) + ")";
    }
    write(cmc, signedBy, txId);
  }

  private void write(byte[] cmc, String signedBy, Optional<BigInteger> txId) {
    Path output = tool.resolve(out);
    LocalFiles.write(output, cmc, "CMC request");
    var stdout = spec.commandLine().getOut();
    stdout.println("CMC request written to " + output + " (" + cmc.length + " bytes, DER), signed by " + signedBy);
    txId.ifPresent(t -> stdout.println("transactionId: 0x" + t.toString(16)));
  }

  private void applyConfig(DogtagConfig cfg) {
    cfg.refuse("numRequests", "1", "p11ca-cmc request wraps exactly one request");
    cfg.refuse("senderNonce.enable", "true", "p11ca-cmc always sends a senderNonce (RFC 5272 section 6.6)");
    for (String feature : new String[] {"revRequest.enable", "confirmCertAcceptance.enable", "getCert.enable",
        "dataReturn.enable", "regInfo.enable", "lraPopWitness.enable"}) {
      cfg.refuse(feature, "false", "p11ca-cmc request does not build that control yet");
    }
    decryptedPop.enabled |= cfg.flag("decryptedPop.enable").orElse(false);
    // Dogtag's "use the shared secret" means: sign with the request's own key and prove identity by the secret.
    selfSigned |= cfg.flag("request.useSharedSecret").orElse(false);
    sharedSecret.applyConfig(cfg);
    if (decryptedPop.enabled) {
      // As CMCRequest: in this mode it reads encryptedPopResponseFile and writes decryptedPopRequestFile; input=
      // and output= (left over from the round-1 cfg) are not used, and oaep= says how the session key travels.
      if (decryptedPop.response == null) {
        decryptedPop.response = cfg.path("encryptedPopResponseFile", tool).orElse(null);
      }
      if (out == null) {
        out = cfg.path("decryptedPopRequestFile", tool).orElse(null);
      }
      decryptedPop.oaep |= cfg.flag("oaep").orElse(false);
    } else {
      if (in == null) {
        in = cfg.path("input", tool).orElse(null);
      }
      if (out == null) {
        out = cfg.path("output", tool).orElse(null);
      }
    }
    if (format == null) {
      format = cfg.value("format").orElse(null);
    }
    if (transactionId == null && !noTransactionId) {
      noTransactionId = !cfg.flag("transactionMgt.enable").orElse(true);
    }
    if (identification == null && cfg.flag("identification.enable").orElse(false)) {
      identification = cfg.value("identification").orElseThrow(() -> new UsageException(cfg.file()
          + ": identification.enable=true needs identification="));
    }
    // tokenname=internal is NSS's own database, i.e. "not a PKCS#11 token": the signer is then in --signer-p12.
    cfg.value("tokenname").filter(t -> !t.equalsIgnoreCase("internal") && signer.token.label == null)
        .ifPresent(t -> signer.token.label = t);
    if (!selfSigned) {
      // A self-signed request has no signer, so a nickname left in the cfg names nothing (CMCRequest ignores it).
      cfg.value("nickname").ifPresent(signer::nickname);
    }
    // dbdir and password name the NSS database and its password, of no use without that database; and
    // request.privKeyId names a key in it: the requested key is given by --key-p12 or --key-label instead (refused
    // with that advice when missing, see RequestKeyOptions). witness.sharedSecret is read (SharedSecretOptions).
  }

  private static BigInteger parseTransactionId(String text) {
    try {
      String t = text.trim();
      BigInteger value = t.startsWith("0x") || t.startsWith("0X") ? new BigInteger(t.substring(2), 16)
          : new BigInteger(t);
      if (value.signum() < 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new UsageException("--transaction-id '" + text + "' is not a non-negative integer");
    }
  }
}
