package org.p11ca.ca.cmc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

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

  /**
   * {@code name} once each of its attributes decodes. Bouncy Castle decodes a name's attributes only when they are
   * read, so a name that arrived malformed would otherwise fail later, as an unchecked exception, wherever it is
   * first compared or printed: names from a request are checked here, as they come in.
   *
   * @param what the name's place, for the reason ("request 1's subject")
   * @throws CaException BAD_REQUEST naming {@code what}
   */
  public static X500Name requireWellFormed(X500Name name, String what) {
    for (RDN rdn : name.getRDNs()) {
      if (rdn.size() == 0) {
        throw malformed(what, "an empty RelativeDistinguishedName");
      }
      AttributeTypeAndValue[] attributes;
      try {
        attributes = rdn.getTypesAndValues();
      } catch (RuntimeException e) {
        throw malformed(what, "an attribute that is not a SEQUENCE of an OID and a value");
      }
      for (AttributeTypeAndValue attribute : attributes) {
        if (attribute.getValue() instanceof ASN1String text) {
          try {
            text.getString();
          } catch (RuntimeException e) {
            throw malformed(what, "a " + attribute.getType().getId() + " value that does not decode as its string"
                + " type");
          }
        }
      }
    }
    return name;
  }

  private static CaException malformed(String what, String problem) {
    return new CaException(FailInfo.BAD_REQUEST, what + " is not a well-formed X.500 Name (RFC 5280 section"
        + " 4.1.2.4): it holds " + problem);
  }

  private static String format(X500Name name) {
    try {
      return escapeControls(new X500Principal(name.getEncoded()).getName(X500Principal.RFC2253));
    } catch (IOException | IllegalArgumentException e) {
      // A name the JDK cannot parse (an unusual string type) is still shown, in encoding order.
      try {
        return escapeControls(name.toString());
      } catch (RuntimeException malformed) {
        // Not a Name at all (an attribute that does not decode): shown as its DER, the way RFC 4514 shows a value
        // it has no string form for, so a record about a refused request can still name what came.
        return asDer(name);
      }
    }
  }

  /**
   * Control characters (line breaks among them) as RFC 4514 hex pairs of their UTF-8 octets: a name from a request
   * may hold any, and each place that shows a name (status strings, log lines, request rows) wants one line.
   */
  private static String escapeControls(String text) {
    return ControlCharacters.escape(text, cp -> {
      StringBuilder hexPairs = new StringBuilder();
      for (byte b : Character.toString(cp).getBytes(StandardCharsets.UTF_8)) {
        hexPairs.append('\\').append(HexFormat.of().toHexDigits(b));
      }
      return hexPairs.toString();
    });
  }

  private static String asDer(X500Name name) {
    try {
      return "#" + HexFormat.of().formatHex(name.toASN1Primitive().getEncoded(ASN1Encoding.DER));
    } catch (IOException e) {
      return "(a name that cannot be encoded)";
    }
  }

  /** For tests: how many names are remembered. */
  static int cached() {
    return CACHE.size();
  }
}
