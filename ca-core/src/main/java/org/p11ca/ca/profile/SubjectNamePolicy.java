package org.p11ca.ca.profile;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;

/** Where the issued certificate's subject name comes from. */
public sealed interface SubjectNamePolicy {

  /**
   * The subject is exactly the CMC signer certificate's subject (Dogtag's caFullCMCUserSignedCert): a user renews or
   * adds a key under the identity the CA already certified, and cannot ask for another name.
   */
  record FromSigner() implements SubjectNamePolicy {
  }

  /**
   * The subject is the one requested, which must hold at least one of {@code requireAnyOf}; when {@code suffix} is
   * set, its RDNs are appended (so O=Example is the CA's choice, not the requester's).
   */
  record FromRequest(Set<SubjectAttribute> requireAnyOf, Optional<X500Name> suffix) implements SubjectNamePolicy {
    public FromRequest {
      requireAnyOf = Set.copyOf(requireAnyOf);
    }

    /**
     * The issued subject for a requested one; empty when the request lacks every required attribute. RFC 5280
     * 4.1.2.6 would allow an empty subject only with a critical subjectAltName, which these profiles never issue.
     */
    public Optional<X500Name> issuedSubject(X500Name requested) {
      boolean hasRequired = requireAnyOf.isEmpty()
          ? requested.getRDNs().length > 0
          : requireAnyOf.stream().anyMatch(a -> requested.getRDNs(a.oid()).length > 0);
      if (!hasRequired) {
        return Optional.empty();
      }
      return Optional.of(suffix.map(s -> append(requested, s)).orElse(requested));
    }

    private static X500Name append(X500Name name, X500Name suffix) {
      List<RDN> rdns = new ArrayList<>(List.of(name.getRDNs()));
      List<RDN> tail = List.of(suffix.getRDNs());
      // A renewal may already carry the suffix; appending it twice would change the name.
      if (rdns.size() >= tail.size()
          && new X500Name(rdns.subList(rdns.size() - tail.size(), rdns.size()).toArray(RDN[]::new)).equals(suffix)) {
        return name;
      }
      rdns.addAll(tail);
      return new X500Name(rdns.toArray(RDN[]::new));
    }
  }

  static SubjectNamePolicy fromConfig(ProfileConfig.Subject raw) {
    if (raw == null || raw.from() == null) {
      throw new FieldError("subject.from", "is required: 'signer' or 'request'");
    }
    switch (raw.from().trim()) {
      case "signer" -> {
        if (raw.requireAnyOf() != null || raw.suffix() != null) {
          throw new FieldError("subject",
              "takes requireAnyOf and suffix only with from: request (the signer's subject is used as is)");
        }
        return new FromSigner();
      }
      case "request" -> {
        Set<SubjectAttribute> required = EnumSet.noneOf(SubjectAttribute.class);
        for (String name : raw.requireAnyOf() == null ? List.<String>of() : raw.requireAnyOf()) {
          required.add(SubjectAttribute.ofName(String.valueOf(name)).orElseThrow(() -> FieldError.of(
              "subject.requireAnyOf", name, "is not a known attribute (CN, UID, E, O, OU, SERIALNUMBER)")));
        }
        return new FromRequest(required, Optional.ofNullable(raw.suffix()).map(SubjectNamePolicy::parseSuffix));
      }
      default -> throw FieldError.of("subject.from", raw.from(), "must be 'signer' or 'request'");
    }
  }

  private static X500Name parseSuffix(String text) {
    try {
      X500Name name = new X500Name(text);
      if (name.getRDNs().length == 0) {
        throw FieldError.of("subject.suffix", text, "must hold at least one RDN");
      }
      return name;
    } catch (IllegalArgumentException e) {
      throw FieldError.of("subject.suffix", text, "is not a distinguished name (RFC 4514)");
    }
  }
}
