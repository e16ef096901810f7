package org.p11ca.client;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
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
        + " CMCRequest.", "With --decrypted-pop, answers a round-1 EncryptedPOP challenge instead (RFC 5272 section"
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

  @Option(names = "--transaction-id", paramLabel = "<n>", description = "transactionId, decimal or 0x hex"
      + " (default: as Dogtag, MD5 of the request's public key)")
  String transactionId;

  @Option(names = "--no-transaction-id", description = "send no transactionId control")
  boolean noTransactionId;

  @Option(names = "--identification", paramLabel = "<text>", description = "add an identification control")
  String identification;

  @Option(names = "--dogtag-nonce", description = "send the senderNonce as base64 text + CRLF, as Dogtag's"
      + " CMCRequest does (default: 32 random octets)")
  boolean dogtagNonce;

  @Option(names = "--out", paramLabel = "<file>", description = "file to write the CMC request to (DER)")
  Path out;

  @Mixin
  DecryptedPopOptions decryptedPop;

  @Override
  public Integer call() {
    if (config != null) {
      applyConfig(DogtagConfig.read(tool.resolve(config)).allowOnly(CONFIG_KEYS, "p11ca-cmc request"));
    }
    if (noTransactionId && transactionId != null) {
      throw new IllegalArgumentException("give --transaction-id or --no-transaction-id, not both");
    }
    if (decryptedPop.enabled) {
      return answerChallenge();
    }
    if (decryptedPop.anyGiven()) {
      throw new IllegalArgumentException("--response, --oaep, --key-p12, --key-label and their password options"
          + " only go with --decrypted-pop");
    }
    if (in == null || out == null) {
      throw new IllegalArgumentException("give --in FILE and --out FILE (or input= and output= in --config)");
    }
    Path input = tool.resolve(in);
    Optional<EnrollmentRequest.Format> givenFormat = Optional.ofNullable(format).map(EnrollmentRequest.Format::parse);
    EnrollmentRequest request = EnrollmentRequest.decode(
        Pem.derOrBase64(LocalFiles.read(input, "request file"), input, "request file"), givenFormat,
        "request file " + input);
    Optional<BigInteger> txId = noTransactionId ? Optional.empty()
        : Optional.of(transactionId != null ? parseTransactionId(transactionId)
            : DogtagTransactionId.of(request.publicKeyInfo()));

    CmcRequestBuilder builder = new CmcRequestBuilder(new SecureRandom());
    if (dogtagNonce) {
      builder.dogtagStyleSenderNonce();
    }
    txId.ifPresent(builder::transactionId);
    if (identification != null) {
      builder.identification(identification);
    }
    if (request instanceof EnrollmentRequest.Crmf crmf) {
      builder.crmf(crmf.msg());
    } else {
      builder.pkcs10(1, ((EnrollmentRequest.Pkcs10) request).csr());
    }
    signAndWrite(builder, txId, false);
    return 0;
  }

  /**
   * Round 2 of RFC 5272 section 6.7, as Dogtag's CMCRequest with decryptedPop.enable=true builds it. The challenge
   * is decrypted and its witness checked before anything is signed: on a mismatch the client must not answer, so
   * no request is written.
   */
  private int answerChallenge() {
    if (in != null) {
      throw new IllegalArgumentException("--in is not used with --decrypted-pop: the challenged request comes back"
          + " inside the encryptedPOP of --response");
    }
    if (decryptedPop.response == null || out == null) {
      throw new IllegalArgumentException("--decrypted-pop needs --response FILE (the round-1 response) and --out FILE"
          + " (or encryptedPopResponseFile= and decryptedPopRequestFile= in --config)");
    }
    decryptedPop.requireKey();
    Path responseFile = tool.resolve(decryptedPop.response);
    EncryptedPopChallenge challenge = EncryptedPopChallenge.read(responseFile);
    var stdout = spec.commandLine().getOut();
    stdout.println("Round-1 response " + responseFile + ": CMC encrypted POP ("
        + (challenge.pop().dogtagFormat() ? "Dogtag format" : "RFC 5272 format") + "), CMC ResponseInfo requestID: "
        + challenge.requestId());
    byte[] proof;
    try (RequestKey key = decryptedPop.openKey(tool, signer)) {
      SessionKeyDecryption decryption = new SessionKeyDecryption(key, decryptedPop.oaep);
      proof = challenge.proof(key, decryption);
      stdout.println("Challenge decrypted with " + SessionKeyDecryption.named(key) + " (session key "
          + decryption.used().map(SessionKeyDecryption::describe).orElse("?") + "): witness verified");
    }
    // RFC 5272 section 6.6: the transaction goes on, so by default the transactionId round 1 had (the response
    // echoes it); Dogtag's CMCRequest sends none in round 2, which the CA accepts too.
    Optional<BigInteger> txId = noTransactionId ? Optional.empty()
        : transactionId != null ? Optional.of(parseTransactionId(transactionId)) : challenge.transactionId();
    CmcRequestBuilder builder = new CmcRequestBuilder(new SecureRandom());
    if (dogtagNonce) {
      builder.dogtagStyleSenderNonce();
    }
    txId.ifPresent(builder::transactionId);
    if (identification != null) {
      builder.identification(identification);
    }
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
    Path output = tool.resolve(out);
    LocalFiles.write(output, cmc, "CMC request");
    var stdout = spec.commandLine().getOut();
    stdout.println("CMC request written to " + output + " (" + cmc.length + " bytes, DER), signed by " + signedBy);
    txId.ifPresent(t -> stdout.println("transactionId: 0x" + t.toString(16)));
  }

  private void applyConfig(DogtagConfig cfg) {
    cfg.refuse("numRequests", "1", "p11ca-cmc request wraps exactly one request");
    cfg.refuse("senderNonce.enable", "true", "p11ca-cmc always sends a senderNonce (RFC 5272 section 6.6)");
    cfg.refuse("request.useSharedSecret", "false", "shared-secret requests are not supported yet");
    for (String feature : new String[] {"identityProofV2.enable", "popLinkWitnessV2.enable", "revRequest.enable",
        "confirmCertAcceptance.enable", "getCert.enable", "dataReturn.enable", "regInfo.enable",
        "lraPopWitness.enable"}) {
      cfg.refuse(feature, "false", "p11ca-cmc request does not build that control yet");
    }
    decryptedPop.enabled |= cfg.flag("decryptedPop.enable").orElse(false);
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
      identification = cfg.value("identification").orElseThrow(() -> new IllegalArgumentException(cfg.file()
          + ": identification.enable=true needs identification="));
    }
    // tokenname=internal is NSS's own database, i.e. "not a PKCS#11 token": the signer is then in --signer-p12.
    cfg.value("tokenname").filter(t -> !t.equalsIgnoreCase("internal") && signer.token.label == null)
        .ifPresent(t -> signer.token.label = t);
    cfg.value("nickname").ifPresent(signer::nickname);
    // dbdir and password name the NSS database and its password: p11ca-cmc reads no secret from a cfg file, and
    // request.privKeyId names a key in that database: with decryptedPop.enable=true the requested key is given by
    // --key-p12 or --key-label instead (refused with that advice when missing, see DecryptedPopOptions).
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
      throw new IllegalArgumentException("--transaction-id '" + text + "' is not a non-negative integer");
    }
  }
}
