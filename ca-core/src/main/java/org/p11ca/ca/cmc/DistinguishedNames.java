package org.p11ca.ca.cmc;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * Distinguished names as people read them in audit records, request rows and status strings: the RFC 4514 string
 * (most specific RDN first, {@code UID=bob,O=Example}), the form Dogtag logs and the JDK's TLS layer gives for a
 * client certificate, so one subject reads the same in every record. Bouncy Castle's own {@code toString} prints
 * RDNs in encoding order instead, which would make the same name look different across records.
 */
public final class DistinguishedNames {

  /** Bounds the cache; when full it starts over (names recur within a request and among a CA's regulars). */
  static final int CACHE_LIMIT = 4096;

  /**
   * By the exact ASN.1 value, not by {@link X500Name#equals}: that one matches names case-insensitively, and two
   * names it calls equal can still read differently.
   */
  private static final Map<ASN1Primitive, String> CACHE = new ConcurrentHashMap<>();

  private DistinguishedNames() {
  }

  /**
   * The RFC 4514 string of {@code name}. Remembered: an issuance names the signer's subject four or five times
   * (audit, request row, status strings), and each time the JDK would encode, parse and format it again.
   */
  public static String rfc4514(X500Name name) {
    ASN1Primitive key = name.toASN1Primitive();
    String known = CACHE.get(key);
    if (known != null) {
      return known;
    }
    String text = format(name);
    if (CACHE.size() >= CACHE_LIMIT) {
      CACHE.clear();
    }
    CACHE.put(key, text);
    return text;
  }

  private static String format(X500Name name) {
    try {
      return new X500Principal(name.getEncoded()).getName(X500Principal.RFC2253);
    } catch (IOException | IllegalArgumentException e) {
      // A name the JDK cannot parse (an unusual string type) is still shown, in encoding order.
      return name.toString();
    }
  }

  /** For tests: how many names are remembered. */
  static int cached() {
    return CACHE.size();
  }
}
