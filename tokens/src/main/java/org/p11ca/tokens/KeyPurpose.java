package org.p11ca.tokens;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.p11ca.hsm.KeyUsage;

/**
 * What a key is for, and so which PKCS#11 usages it gets and which types fit. A key gets only the usages its role
 * needs: a signing key that could also decrypt would be an oracle for whoever may ask it to sign (and vice versa).
 */
enum KeyPurpose {
  /** Certificates, CRLs, OCSP and CMC responses. */
  CA("ca", EnumSet.of(KeyUsage.SIGN)),
  /** Decrypts the keys subscribers send for archival: RSA only, as subscribers encrypt to it with RSA-OAEP. */
  KRA_TRANSPORT("kra-transport", EnumSet.of(KeyUsage.DECRYPT, KeyUsage.UNWRAP)),
  /** Wraps archived keys for storage: AES only. */
  KRA_STORAGE("kra-storage", EnumSet.of(KeyUsage.WRAP, KeyUsage.UNWRAP, KeyUsage.ENCRYPT, KeyUsage.DECRYPT)),
  /**
   * Encrypts EncryptedPOP challenges while they wait for the answer (RFC 5272 section 6.7): AES only, encrypt and
   * decrypt only, so it can neither wrap nor unwrap the keys the KRA stores.
   */
  POP_PROTECTION("pop-protection", EnumSet.of(KeyUsage.ENCRYPT, KeyUsage.DECRYPT)),
  /**
   * Keeps the shared secrets of identityProofV2 encrypted in the database (RFC 5272 section 6.2.1): AES only,
   * encrypt and decrypt only.
   */
  SHARED_SECRET_PROTECTION("shared-secret-protection", EnumSet.of(KeyUsage.ENCRYPT, KeyUsage.DECRYPT)),
  /** Signs the audit log's hash chain. */
  AUDIT("audit", EnumSet.of(KeyUsage.SIGN)),
  /** The HTTPS server key. */
  TLS("tls", EnumSet.of(KeyUsage.SIGN)),
  /** A delegated OCSP responder's key (RFC 6960 4.2.2.2): signs OCSP responses under its own certificate. */
  OCSP("ocsp", EnumSet.of(KeyUsage.SIGN)),
  /** Any other signing key. */
  SIGN("sign", EnumSet.of(KeyUsage.SIGN));

  private final String cliName;
  private final Set<KeyUsage> usages;

  KeyPurpose(String cliName, Set<KeyUsage> usages) {
    this.cliName = cliName;
    this.usages = Set.copyOf(usages);
  }

  String cliName() {
    return cliName;
  }

  Set<KeyUsage> usages() {
    return usages;
  }

  /** Refuses a key type the purpose cannot use, naming the types it can. */
  void requireFits(GeneratedKeyType type) {
    boolean fits = switch (this) {
      case KRA_TRANSPORT -> type.isRsa();
      case KRA_STORAGE, POP_PROTECTION, SHARED_SECRET_PROTECTION -> type.isAes();
      case CA, AUDIT, TLS, OCSP, SIGN -> !type.isAes();
    };
    if (!fits) {
      String allowed = switch (this) {
        case KRA_TRANSPORT -> "an RSA key (rsa2048, rsa3072, rsa4096)";
        case KRA_STORAGE, POP_PROTECTION, SHARED_SECRET_PROTECTION -> "an AES key (aes128, aes256)";
        case CA, AUDIT, TLS, OCSP, SIGN -> "a signing key pair (rsa2048, rsa3072, rsa4096, ec-p256, ec-p384)";
      };
      throw new UsageException("a " + cliName + " key must be " + allowed + ", not " + type);
    }
  }

  static KeyPurpose parse(String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(p -> p.cliName.equals(wanted)).findFirst().orElseThrow(
        () -> new UsageException("unknown purpose '" + text + "': use one of "
            + Arrays.stream(values()).map(KeyPurpose::cliName).collect(Collectors.joining(", "))));
  }

  @Override
  public String toString() {
    return cliName;
  }
}
