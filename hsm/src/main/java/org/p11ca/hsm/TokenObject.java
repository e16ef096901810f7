package org.p11ca.hsm;

import java.util.Optional;

/**
 * One row of a token listing. The security attributes are Optional because certificates and public keys have none,
 * and because some tokens refuse to report them.
 */
public record TokenObject(
    ObjectClass objectClass,
    KeyType keyType,
    Optional<String> label,
    Optional<ObjectId> id,
    int sizeBits,
    boolean persistent,
    Optional<Boolean> isPrivate,
    Optional<Boolean> sensitive,
    Optional<Boolean> extractable,
    Optional<Boolean> alwaysSensitive,
    Optional<Boolean> neverExtractable) {
}
