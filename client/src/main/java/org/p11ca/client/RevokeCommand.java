package org.p11ca.client;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.p11ca.ca.cmc.CmcRequestBuilder;
import org.p11ca.ca.cmc.RevocationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "revoke", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Builds a CMC revocation request, a Full PKI Request whose one revokeRequest control names the"
        + " certificate by issuer and serial (RFC 5272 section 6.11) and whose reqSequence is empty, like Dogtag's"
        + " CMCRequest with revRequest.enable=true.",
        "Signed by a certificate (a user revokes certificates with its own subject, at"
            + " /ca/ee/ca/profileSubmitUserSignedCMCFull; an agent any certificate of the CA, at"
            + " /ca/ee/ca/profileSubmitCMCFull), or, with the certificate holder's shared secret, unsigned: the"
            + " secret then travels in clear inside the request, which is written owner-only; send it only over"
            + " TLS (p11ca-cmc submit).",
        "Options override the values of a Dogtag CMCRequest .cfg file given with --config."})
final class RevokeCommand implements Callable<Integer> {

  /** The CMCRequest keys this command maps or knowingly ignores; anything else in a cfg file is refused. */
  private static final Set<String> CONFIG_KEYS = Set.of(
      "numRequests", "input", "output", "format", "nickname", "tokenname", "dbdir", "password",
      "senderNonce.enable", "revRequest.enable", "revRequest.serial", "revRequest.reason", "revRequest.comment",
      "revRequest.invalidityDatePresent", "revRequest.issuer", "revRequest.sharedSecret");

  @Spec
  CommandSpec spec;

  @ParentCommand
  CmcTool tool;

  @Option(names = "--config", paramLabel = "<file>", description = "a Dogtag CMCRequest .cfg file with"
      + " revRequest.enable=true")
  Path config;

  @Option(names = "--serial", paramLabel = "<n>", description = "serial number of the certificate to revoke:"
      + " decimal, or hex with a 0x prefix (a cfg's revRequest.serial is decimal, as Dogtag reads it)")
  String serial;

  @Option(names = "--issuer", paramLabel = "<DN>", description = "its issuer's name, e.g. \"CN=Test CA,O=Example\","
      + " encoded as Dogtag does (UTF8String values); default: the issuer of the signer's certificate")
  String issuer;

  @Option(names = "--ca", paramLabel = "<ca.pem>", description = "or the issuer's certificate (PEM or DER): its"
      + " subject, exactly as encoded there, is the issuerName")
  Path caCertificate;

  @Option(names = "--reason", paramLabel = "<reason>", description = "CRLReason (RFC 5280 section 5.3.1) by name or"
      + " number: unspecified (default), keyCompromise, cACompromise, affiliationChanged, superseded,"
      + " cessationOfOperation, privilegeWithdrawn, aACompromise")
  String reason;

  @Option(names = "--invalidity-date", paramLabel = "<instant>", description = "when the key was compromised or the"
      + " certificate became invalid, ISO-8601 (e.g. 2026-11-23T12:33:28Z; sent to the second)")
  String invalidityDate;

  @Option(names = "--comment", paramLabel = "<text>", description = "a comment for the CA's records")
  String comment;

  @Mixin
  SignerOptions signer;

  @Mixin
  SharedSecretSource sharedSecret;

  @Option(names = "--dogtag-nonce", description = "send the senderNonce as base64 text + CRLF, as Dogtag's"
      + " CMCRequest does (default: 32 random octets)")
  boolean dogtagNonce;

  @Option(names = "--out", paramLabel = "<file>", description = "file to write the CMC request to (DER)")
  Path out;

  private final SecureRandom random = new SecureRandom();
  private final Clock clock = Clock.systemUTC();

  /** invalidityDatePresent=true of a cfg: the time the request is built, as Dogtag's CMCRequest sends. */
  private boolean invalidityNow;
  /** Which option or cfg key gave the reason, for a refusal. */
  private String reasonGivenBy = "--reason";

  @Override
  public Integer call() {
    if (config != null) {
      applyConfig(DogtagConfig.read(tool.resolve(config)));
    }
    // Everything that can be refused without reading a file or opening a key is refused first.
    boolean signed = signer.anyGiven() || signer.token.requested();
    if (signed && sharedSecret.given()) {
      throw new UsageException("give a signer or the shared secret (" + sharedSecret.named() + "), not"
          + " both: a signed revocation needs no secret, and an unsigned one has no signer");
    }
    if (!signed && !sharedSecret.given()) {
      throw new UsageException("give the signer (--signer-p12 FILE, or --token LABEL --signer-label"
          + " LABEL) or, for an unsigned request, the certificate holder's shared secret (--shared-secret-file FILE"
          + " or --shared-secret-env VAR)");
    }
    sharedSecret.checkOneSource();
    if (serial == null) {
      throw new UsageException("give --serial N (or revRequest.serial= in --config)");
    }
    if (out == null) {
      throw new UsageException("give --out FILE (or output= in --config)");
    }
    if (issuer != null && caCertificate != null) {
      throw new UsageException("give --issuer DN or --ca FILE, not both");
    }
    if (!signed && issuer == null && caCertificate == null) {
      throw new UsageException("an unsigned revocation needs the issuer: give --issuer DN or --ca FILE"
          + " (or revRequest.issuer= in --config); only a signed one defaults to its signer's issuer");
    }
    BigInteger serialNumber = parseSerial(serial);
    CrlReason crlReason = reason == null ? CrlReason.UNSPECIFIED : CrlReason.parse(reason, reasonGivenBy);
    Optional<Instant> invalidity = invalidityDate != null ? Optional.of(parseInstant(invalidityDate))
        : invalidityNow ? Optional.of(clock.instant()) : Optional.empty();
    Optional<Issuer> given = givenIssuer();
    return signed ? signed(serialNumber, crlReason, invalidity, given)
        : unsigned(serialNumber, crlReason, invalidity, given.orElseThrow());
  }

  /** issuerName and where it came from, for the output line. */
  private record Issuer(X500Name name, String origin) {
  }

  private Optional<Issuer> givenIssuer() {
    if (caCertificate != null) {
      Path file = tool.resolve(caCertificate);
      X509CertificateHolder ca = Certificates.holder(Pem.readCertificate(file, "CA certificate file"));
      if (!Certificates.isCa(ca)) {
        throw new CmcToolException("--ca " + file + " holds '" + SubjectName.format(ca.getSubject()) + "', not a CA"
            + " certificate: give the certificate of the CA that issued the one to revoke");
      }
      return Optional.of(new Issuer(ca.getSubject(), "the subject of " + file));
    }
    return Optional.ofNullable(issuer).map(text -> new Issuer(SubjectName.parseAsUtf8(text), "as given"));
  }

  private int signed(BigInteger serialNumber, CrlReason crlReason, Optional<Instant> invalidity,
      Optional<Issuer> given) {
    byte[] cmc;
    String signedBy;
    try (CmcSigner s = signer.open(tool)) {
      // RFC 5272 section 6.11 names the certificate by its issuer; by default the signer's own CA, as Dogtag's
      // CMCRequest takes it, exactly as the signer's certificate encodes it.
      Issuer named = given.orElseGet(() -> new Issuer(s.certificate().getIssuer(),
          "the issuer of the signer's certificate"));
      CmcRequestBuilder builder = newBuilder(new RevocationRequest(named.name(), serialNumber, crlReason.code(),
          invalidity, Optional.empty(), Optional.ofNullable(comment)), named, crlReason);
      cmc = builder.sign(s.key().signer(), s.certificate(), s.certificates(), clock);
      signedBy = "signed by " + SubjectName.format(s.certificate().getSubject()) + " (serial 0x"
          + s.certificate().getSerialNumber().toString(16).toUpperCase(Locale.ROOT) + ")";
    }
    return write(cmc, signedBy, false);
  }

  private int unsigned(BigInteger serialNumber, CrlReason crlReason, Optional<Instant> invalidity, Issuer named) {
    byte[] cmc;
    try (SharedSecret secret = sharedSecret.read(tool)) {
      // The passphrase field carries the secret itself (RFC 5272 section 6.11): only TLS protects it on the way.
      CmcRequestBuilder builder = newBuilder(new RevocationRequest(named.name(), serialNumber, crlReason.code(),
          invalidity, Optional.of(secret.revealUtf8()), Optional.ofNullable(comment)), named, crlReason);
      cmc = builder.unsigned();
    }
    spec.commandLine().getOut().println("passphrase: the shared secret from " + sharedSecret.source()
        + ", in clear inside the request (so the file is owner-only): send it only over TLS");
    return write(cmc, "unsigned (ContentInfo id-data)", true);
  }

  private CmcRequestBuilder newBuilder(RevocationRequest request, Issuer named, CrlReason crlReason) {
    CmcRequestBuilder builder = new CmcRequestBuilder(random);
    if (dogtagNonce) {
      builder.dogtagStyleSenderNonce();
    }
    builder.revokeRequest(request);
    spec.commandLine().getOut().println("revokeRequest: serial " + request.serial() + " (0x"
        + request.serial().toString(16).toUpperCase(Locale.ROOT) + ") issued by "
        + SubjectName.format(request.issuerName()) + " (" + named.origin() + "), reason " + crlReason.describe()
        + request.invalidityDate().map(d -> ", invalidityDate " + d.truncatedTo(ChronoUnit.SECONDS))
            .orElse("")
        + (request.comment().isPresent() ? ", with a comment" : ""));
    return builder;
  }

  private int write(byte[] cmc, String how, boolean holdsSecret) {
    Path output = tool.resolve(out);
    if (holdsSecret) {
      LocalFiles.writeOwnerOnly(output, cmc, "CMC request");
    } else {
      LocalFiles.write(output, cmc, "CMC request");
    }
    spec.commandLine().getOut().println("CMC revocation request written to " + output + " (" + cmc.length
        + " bytes, DER), " + how);
    return 0;
  }

  private void applyConfig(DogtagConfig cfg) {
    if (!cfg.flag("revRequest.enable").orElse(false)) {
      throw new UsageException(cfg.file() + ": p11ca-cmc revoke reads a revocation cfg,"
          + " revRequest.enable=true (an enrolment cfg goes to p11ca-cmc request)");
    }
    // Checked first, so an enrolment cfg hears where it belongs rather than which of its keys are unknown here.
    cfg.allowOnly(CONFIG_KEYS, "p11ca-cmc revoke");
    cfg.refuse("senderNonce.enable", "true", "p11ca-cmc always sends a senderNonce (RFC 5272 section 6.6)");
    cfg.value("input").ifPresent(v -> {
      // Dogtag would put that request beside the revokeRequest; sending the revocation alone would drop it silently.
      throw new UsageException(cfg.file() + ": input=" + v + " is not supported: p11ca-cmc revoke sends"
          + " only the revokeRequest, with an empty reqSequence");
    });
    if (serial == null) {
      serial = cfg.value("revRequest.serial").map(v -> decimalSerial(cfg, v)).orElse(null);
    }
    if (reason == null) {
      reason = cfg.value("revRequest.reason").orElse(null);
      reasonGivenBy = cfg.file() + " revRequest.reason";
    }
    if (comment == null) {
      comment = cfg.value("revRequest.comment").orElse(null);
    }
    if (invalidityDate == null) {
      invalidityNow = cfg.flag("revRequest.invalidityDatePresent").orElse(false);
    }
    if (issuer == null && caCertificate == null) {
      issuer = cfg.value("revRequest.issuer").orElse(null);
    }
    sharedSecret.applyConfig(cfg, "revRequest.sharedSecret");
    if (out == null) {
      out = cfg.path("output", tool).orElse(null);
    }
    // tokenname=internal is NSS's own database, i.e. "not a PKCS#11 token": the signer is then in --signer-p12.
    cfg.value("tokenname").filter(t -> !t.equalsIgnoreCase("internal") && signer.token.label == null)
        .ifPresent(t -> signer.token.label = t);
    cfg.value("nickname").ifPresent(signer::nickname);
    // numRequests and format describe input=, which a revocation has none of; dbdir and password name the NSS
    // database and its password, of no use without that database (the signer is --signer-p12 or on --token).
  }

  /** As Dogtag's CMCRequest reads revRequest.serial: decimal; "0x2D" there would be refused by Dogtag too. */
  private static String decimalSerial(DogtagConfig cfg, String value) {
    if (!value.strip().chars().allMatch(Character::isDigit)) {
      throw new UsageException(cfg.file() + ": revRequest.serial=" + value + " is not a decimal number"
          + " (Dogtag reads it as decimal; a hex serial goes in --serial 0x...)");
    }
    return value.strip();
  }

  /** RFC 5280 section 4.1.2.2: a serial number is a positive integer. */
  private static BigInteger parseSerial(String text) {
    String t = text.strip();
    try {
      BigInteger value = t.startsWith("0x") || t.startsWith("0X") ? new BigInteger(t.substring(2), 16)
          : new BigInteger(t);
      if (value.signum() > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // refused below, with the same message as a non-positive number
    }
    throw new UsageException("--serial '" + text + "' is not a positive integer (decimal, or hex with a 0x"
        + " prefix)");
  }

  private static Instant parseInstant(String text) {
    try {
      return Instant.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new UsageException("--invalidity-date '" + text + "' is not an ISO-8601 instant such as"
          + " 2026-11-23T12:33:28Z");
    }
  }
}
