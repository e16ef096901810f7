package org.p11ca.client;

import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * request's shared-secret controls on the command line and in a Dogtag cfg: identityProofV2 and popLinkWitnessV2,
 * their algorithms, and where the secret is. The secret comes from a file or an environment variable, never the
 * command line (shell history, process listings); Dogtag's witness.sharedSecret in a cfg file is read too, as its
 * CMCRequest does, and loses to either option.
 */
final class SharedSecretOptions {

  @Option(names = "--identity-proof-v2", description = "add identityProofV2 (RFC 5272 section 6.2.1): a MAC over"
      + " reqSequence keyed from the shared secret and --identification")
  boolean identityProof;

  @Option(names = "--id-proof-hash", paramLabel = "<SHA-256|SHA-384|SHA-512>", description = "its key's hash"
      + " (default: SHA-256)")
  String identityProofHash;

  @Option(names = "--id-proof-mac", paramLabel = "<SHA-256-HMAC|SHA-384-HMAC|SHA-512-HMAC>", description = "its"
      + " MAC (default: SHA-256-HMAC)")
  String identityProofMac;

  @Option(names = "--pop-link-witness-v2", description = "link the request's proof of possession to the shared"
      + " secret (RFC 5272 section 6.3.1): a popLinkRandom control and a popLinkWitnessV2 inside the request, which"
      + " is re-signed with the requested key (--key-p12 or --key-label)")
  boolean popLink;

  @Option(names = "--pop-link-keygen", paramLabel = "<SHA-256|SHA-384|SHA-512|PBKDF2>", description = "how its MAC"
      + " key is made: a hash over the secret and identification, as Dogtag (default: SHA-256), or PBKDF2 (RFC 6402;"
      + " random salt, 100000 iterations, the HMAC of --pop-link-mac as PRF)")
  String popLinkKeyGen;

  @Option(names = "--pop-link-mac", paramLabel = "<SHA-256-HMAC|SHA-384-HMAC|SHA-512-HMAC>", description = "its MAC"
      + " (default: SHA-256-HMAC)")
  String popLinkMac;

  /** Where the secret is: --shared-secret-file, --shared-secret-env or the cfg's witness.sharedSecret. */
  @Mixin
  SharedSecretSource secret;

  /** Dogtag's CMCRequest keys; options given on the command line win. */
  void applyConfig(DogtagConfig cfg) {
    identityProof |= cfg.flag("identityProofV2.enable").orElse(false);
    if (identityProof) {
      identityProofHash = orConfig(identityProofHash, cfg, "identityProofV2.hashAlg");
      identityProofMac = orConfig(identityProofMac, cfg, "identityProofV2.macAlg");
    }
    popLink |= cfg.flag("popLinkWitnessV2.enable").orElse(false);
    if (popLink) {
      popLinkKeyGen = orConfig(popLinkKeyGen, cfg, "popLinkWitnessV2.keyGenAlg");
      popLinkMac = orConfig(popLinkMac, cfg, "popLinkWitnessV2.macAlg");
    }
    secret.applyConfig(cfg, "witness.sharedSecret");
  }

  private static String orConfig(String given, DogtagConfig cfg, String key) {
    return given != null ? given : cfg.value(key).orElse(null);
  }

  /** Whether an option of these controls was given on the command line or in a cfg. */
  boolean anyGiven() {
    return identityProof || popLink || identityProofHash != null || identityProofMac != null
        || popLinkKeyGen != null || popLinkMac != null || secret.optionGiven();
  }

  /** The controls asked for, checked before any file is read; usage errors name the option to fix. */
  SharedSecretControls checked(Optional<String> identification) {
    if (!identityProof && (identityProofHash != null || identityProofMac != null)) {
      throw new UsageException("--id-proof-hash and --id-proof-mac only go with --identity-proof-v2");
    }
    if (!popLink && (popLinkKeyGen != null || popLinkMac != null)) {
      throw new UsageException("--pop-link-keygen and --pop-link-mac only go with --pop-link-witness-v2");
    }
    if (!identityProof && !popLink) {
      if (secret.optionGiven()) {
        throw new UsageException("--shared-secret-file and --shared-secret-env only go with"
            + " --identity-proof-v2 or --pop-link-witness-v2");
      }
      return SharedSecretControls.NONE;
    }
    String asked = identityProof && popLink ? "--identity-proof-v2 and --pop-link-witness-v2 need"
        : identityProof ? "--identity-proof-v2 needs" : "--pop-link-witness-v2 needs";
    if (identification.isEmpty()) {
      // RFC 5272 section 6.2.3: the identification control tells the CA whose shared secret keys the MACs.
      throw new UsageException(asked + " --identification (identification.enable=true and"
          + " identification= in a cfg): the CA finds the shared secret by it");
    }
    secret.checkOneSource();
    if (!secret.given()) {
      throw new UsageException(asked + " the shared secret: give --shared-secret-file FILE or"
          + " --shared-secret-env VAR");
    }
    return new SharedSecretControls(identityProof ? Optional.of(identityProofAlgorithms()) : Optional.empty(),
        popLink ? Optional.of(popLinkAlgorithms()) : Optional.empty());
  }

  private SharedSecretControls.IdentityProof identityProofAlgorithms() {
    return new SharedSecretControls.IdentityProof(
        SharedSecretAlgorithms.hash(orDefault(identityProofHash, "SHA-256"),
            "--id-proof-hash (identityProofV2.hashAlg)"),
        SharedSecretAlgorithms.mac(orDefault(identityProofMac, "SHA-256-HMAC"),
            "--id-proof-mac (identityProofV2.macAlg)"));
  }

  private SharedSecretControls.PopLink popLinkAlgorithms() {
    String keyGen = orDefault(popLinkKeyGen, "SHA-256");
    SharedSecretAlgorithms.Named mac = SharedSecretAlgorithms.mac(orDefault(popLinkMac, "SHA-256-HMAC"),
        "--pop-link-mac (popLinkWitnessV2.macAlg)");
    if (keyGen.trim().toUpperCase(Locale.ROOT).equals("PBKDF2")) {
      return new SharedSecretControls.PopLink(Optional.empty(), mac);
    }
    try {
      return new SharedSecretControls.PopLink(Optional.of(SharedSecretAlgorithms.hash(keyGen, "--pop-link-keygen")),
          mac);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--pop-link-keygen (popLinkWitnessV2.keyGenAlg) '" + keyGen + "' is not"
          + " one of SHA-256, SHA-384, SHA-512, PBKDF2");
    }
  }

  private static String orDefault(String value, String fallback) {
    return value != null ? value : fallback;
  }

  /** The secret, from the option given, else the cfg; the caller closes it. */
  SharedSecret read(CmcTool tool) {
    return secret.read(tool);
  }
}
