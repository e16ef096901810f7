package org.p11ca.client;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * request's second round of an EncryptedPOP challenge (RFC 5272 section 6.7): the round-1 response and how its
 * session key travels. The requested key that decrypts the challenge is given with {@link RequestKeyOptions}.
 */
final class DecryptedPopOptions {

  @Option(names = "--decrypted-pop", description = "answer the EncryptedPOP challenge in --response: decrypt it with"
      + " the requested key, check the witness, and write the round-2 request with a decryptedPOP control")
  boolean enabled;

  @Option(names = "--response", paramLabel = "<file>", description = "with --decrypted-pop: the round-1 CMC response"
      + " (DER or base64) carrying encryptedPOP and responseInfo")
  Path response;

  @Option(names = "--oaep", description = "with --decrypted-pop: the CA sent the session key with RSA-OAEP"
      + " SHA-256/MGF1-SHA-256 although the response says rsaEncryption (Dogtag's keyWrap.useOAEP; its CMCRequest's"
      + " oaep=true). A response that says id-RSAES-OAEP needs no flag.")
  boolean oaep;

  @Option(names = "--ca", paramLabel = "<ca.pem>", description = "with --decrypted-pop: check that the"
      + " round-1 response is signed by this CA before the requested key decrypts anything in it")
  Path ca;

  /** Whether an option that only means something with --decrypted-pop was given. */
  boolean anyGiven() {
    return response != null || oaep || ca != null;
  }
}
