package org.p11ca.server.config;

import java.util.Objects;
import java.util.Optional;
import org.p11ca.hsm.HashAlgorithm;
import org.p11ca.hsm.RsaPadding;

/**
 * How subscribers encrypt the session key of an archived private key to the KRA transport certificate. Nothing in
 * CRMF's EncryptedValue says which padding was used, so the KRA is told: {@code rsaPkcs1} (Dogtag's CRMFPopClient
 * default and {@code p11ca-cmc crmf --transport}), {@code rsaOaepSha1} ({@code --transport-oaep}) or
 * {@code rsaOaepSha256} (CRMFPopClient --oaep; SoftHSM 2.6.1 cannot unwrap it).
 */
public record ArchivalSettings(RsaPadding transportPadding) {

  public ArchivalSettings {
    Objects.requireNonNull(transportPadding);
  }

  public static ArchivalSettings defaults() {
    return new ArchivalSettings(new RsaPadding.Pkcs1v15());
  }

  static Optional<ArchivalSettings> parse(String text) {
    return Optional.ofNullable(switch (text.trim()) {
      case "rsaPkcs1" -> new ArchivalSettings(new RsaPadding.Pkcs1v15());
      case "rsaOaepSha1" -> new ArchivalSettings(new RsaPadding.Oaep(HashAlgorithm.SHA1, HashAlgorithm.SHA1));
      case "rsaOaepSha256" -> new ArchivalSettings(new RsaPadding.Oaep(HashAlgorithm.SHA256, HashAlgorithm.SHA256));
      default -> null;
    });
  }
}
