package org.p11ca.tokens;

import java.util.Locale;
import org.p11ca.hsm.KeyType;
import org.p11ca.hsm.ObjectClass;

/** The names the tool prints and accepts for object classes and key types: private-key, secret-key, rsa, ec... */
final class ObjectClassNames {
  private ObjectClassNames() {
  }

  static String of(ObjectClass objectClass) {
    return objectClass.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static String of(KeyType keyType) {
    return keyType == KeyType.NONE ? "-" : keyType.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** One of the classes a command can select: private-key, public-key, secret-key, certificate. */
  static ObjectClass parse(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "private-key" -> ObjectClass.PRIVATE_KEY;
      case "public-key" -> ObjectClass.PUBLIC_KEY;
      case "secret-key" -> ObjectClass.SECRET_KEY;
      case "certificate" -> ObjectClass.CERTIFICATE;
      default -> throw new UsageException("unknown object class '" + text
          + "': use private-key, public-key, secret-key or certificate");
    };
  }
}
