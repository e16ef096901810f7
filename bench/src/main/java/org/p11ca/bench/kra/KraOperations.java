package org.p11ca.bench.kra;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.kra.ArchivedKey;
import org.p11ca.ca.kra.KeyArchiver;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyType;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.RsaPadding;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.TokenObject;
import org.p11ca.hsm.WrapMechanism;

/**
 * The token side of `bench kra`: KeyArchiver.archive, and the two unwraps it is made of, each done exactly as
 * KeyArchiver does it (same mechanisms, same templates), so that archive/raw-unwrap says what the rest costs.
 */
final class KraOperations implements AutoCloseable {

  static final String UNWRAP_SESSION_KEY = "unwrap-aes128-rsa2048-pkcs1-session+destroy";
  static final String UNWRAP_PRIVATE_KEY = "unwrap-rsa2048-pkcs8-aes128-kwp-session+destroy";
  static final String ARCHIVE = "archive-rsa2048-kwp-pkcs1";

  /** KeyArchiver's template for the session key: never extractable, only for unwrapping the archived key. */
  private static final KeyAttributes SESSION_KEY = KeyAttributes.session(KeyUsage.UNWRAP, KeyUsage.DECRYPT);
  /** KeyArchiver's template for an archived RSA key: extractable for the one storage wrap. */
  private static final KeyAttributes ARCHIVED_RSA_KEY =
      KeyAttributes.session(KeyUsage.DECRYPT, KeyUsage.UNWRAP).allowWrappingOutOfToken();
  private static final WrapMechanism TRANSPORT = new WrapMechanism.Rsa(new RsaPadding.Pkcs1v15());

  private final Token token;
  private final KeyHandle transport;
  private final KeyHandle storage;
  private final ArchivalRequests requests;
  private final KeyArchiver archiver;
  /**
   * The session keys of {@link ArchivalRequests#onePerSubscriberKey()}, unwrapped once and on the token for the
   * whole run, so the raw private-key unwrap times the second unwrap alone, each under a session key of its own
   * request as in an archive.
   */
  private final List<KeyHandle> standingSessionKeys = new ArrayList<>();
  private final AtomicInteger nextStanding = new AtomicInteger();

  KraOperations(Token token, KeyHandle transport, KeyHandle storage, ArchivalRequests requests) {
    this.token = token;
    this.transport = transport;
    this.storage = storage;
    this.requests = requests;
    this.archiver = new KeyArchiver(token, transport, storage, new RsaPadding.Pkcs1v15());
    for (ArchivalRequests.Request r : requests.onePerSubscriberKey()) {
      standingSessionKeys.add(unwrapSessionKey(r));
    }
  }

  List<KraOperation> all() {
    return List.of(sessionKeyUnwrap(), privateKeyUnwrap(), archival());
  }

  /** KeyArchiver's first unwrap: the request's session key, with the transport key. */
  KraOperation sessionKeyUnwrap() {
    return new KraOperation(UNWRAP_SESSION_KEY, "unwrap AES-128 under RSA-2048 (PKCS#1 v1.5, the request's"
        + " encSymmKey) with the transport key into a session object, then destroy: C_UnwrapKey + C_DestroyObject",
        () -> {
          for (ArchivalRequests.Request r : requests.onePerSubscriberKey()) {
            KeyHandle sessionKey = unwrapSessionKey(r);
            try {
              requireAttributes(sessionKey, false, "the unwrapped session key");
              // Right key: the request's encValue unwraps with it to the request's public key.
              KeyHandle privateKey = token.unwrapKey(sessionKey, new WrapMechanism.AesKeyWrapPad(),
                  r.options().encryptedKey(), ObjectClass.PRIVATE_KEY, KeyType.RSA, KeyAttributes.session(
                      KeyUsage.DECRYPT));
              try {
                requireKeyOf(privateKey, r.requestedKey(), "the key unwrapped with the unwrapped session key");
              } finally {
                token.destroy(privateKey);
              }
            } finally {
              token.destroy(sessionKey);
            }
          }
        },
        () -> token.destroy(unwrapSessionKey(requests.next())));
  }

  /** KeyArchiver's second unwrap: the subscriber's PKCS#8, with a session key already on the token. */
  KraOperation privateKeyUnwrap() {
    return new KraOperation(UNWRAP_PRIVATE_KEY, "unwrap an RSA-2048 PKCS#8 under AES-128 (RFC 5649, the"
        + " request's encValue) into an extractable session object, then destroy: C_UnwrapKey + C_DestroyObject",
        () -> {
          for (int i = 0; i < standingSessionKeys.size(); i++) {
            ArchivalRequests.Request r = requests.onePerSubscriberKey().get(i);
            KeyHandle privateKey = unwrapPrivateKey(i);
            try {
              requireAttributes(privateKey, true, "the unwrapped private key");
              requireKeyOf(privateKey, r.requestedKey(), "the unwrapped private key");
            } finally {
              token.destroy(privateKey);
            }
          }
        },
        () -> token.destroy(unwrapPrivateKey(Math.floorMod(nextStanding.getAndIncrement(),
            standingSessionKeys.size()))));
  }

  /** The whole archive, as Enrollment calls it. */
  KraOperation archival() {
    return new KraOperation(ARCHIVE, "KeyArchiver.archive: unwrap the session key (C_UnwrapKey, RSA PKCS#1 v1.5)"
        + " + unwrap the private key (C_UnwrapKey, RFC 5649) + read its modulus and exponent to match the request's"
        + " public key (C_GetAttributeValue) + wrap it under the AES-256 storage key (C_WrapKey, RFC 5649) + destroy"
        + " both session objects (C_DestroyObject x2); each unwrap also reads the new object's attributes",
        () -> {
          for (ArchivalRequests.Request r : requests.onePerSubscriberKey()) {
            verifyStored(archiver.archive(r.options(), r.requestedKey()), r.requestedKey());
          }
          refusesAnotherSubscribersKey();
        },
        () -> {
          ArchivalRequests.Request r = requests.next();
          archiver.archive(r.options(), r.requestedKey());
        });
  }

  /** One archived key, for the database save; checked like the others. */
  ArchivedKey archiveOne() {
    ArchivalRequests.Request r = requests.onePerSubscriberKey().get(0);
    ArchivedKey archived = archiver.archive(r.options(), r.requestedKey());
    verifyStored(archived, r.requestedKey());
    return archived;
  }

  /**
   * Session objects on the token besides the standing session keys: none should be left by any operation. Listing
   * reads every object's attributes, so this runs only before and after timing.
   */
  long leftoverSessionObjects() {
    return token.listObjects().stream().filter(o -> !o.persistent()).count() - standingSessionKeys.size();
  }

  private KeyHandle unwrapSessionKey(ArchivalRequests.Request r) {
    return token.unwrapKey(transport, TRANSPORT, r.options().encryptedSessionKey(), ObjectClass.SECRET_KEY,
        KeyType.AES, SESSION_KEY);
  }

  /** The private key of the i-th request of {@link ArchivalRequests#onePerSubscriberKey()}, under its session key. */
  private KeyHandle unwrapPrivateKey(int i) {
    return token.unwrapKey(standingSessionKeys.get(i), new WrapMechanism.AesKeyWrapPad(),
        requests.onePerSubscriberKey().get(i).options().encryptedKey(), ObjectClass.PRIVATE_KEY, KeyType.RSA,
        ARCHIVED_RSA_KEY);
  }

  /** As KeyArchiverDogtagTest: the stored form unwraps again, sensitive and not extractable, to the request's key. */
  private void verifyStored(ArchivedKey archived, SubjectPublicKeyInfo requestedKey) {
    if (!archived.publicKey().equals(requestedKey)) {
      throw new KraOperation.WrongResult("the archived key records another public key than the request's");
    }
    KeyHandle back = token.unwrapKey(storage, archived.wrapped().mechanism(), archived.wrapped().bytes(),
        ObjectClass.PRIVATE_KEY, KeyType.RSA, KeyAttributes.session(KeyUsage.DECRYPT));
    try {
      requireAttributes(back, false, "the key unwrapped from storage");
      requireKeyOf(back, requestedKey, "the key unwrapped from storage");
    } finally {
      token.destroy(back);
    }
  }

  /** The public-key match check really runs: a request's key archived against another subscriber's is refused. */
  private void refusesAnotherSubscribersKey() {
    List<ArchivalRequests.Request> some = requests.onePerSubscriberKey();
    if (some.size() < 2) {
      return;
    }
    try {
      archiver.archive(some.get(0).options(), some.get(1).requestedKey());
    } catch (CaException e) {
      if (e.failInfo() == FailInfo.BAD_REQUEST && e.detail().contains("does not match")) {
        return;
      }
      throw new KraOperation.WrongResult("archiving against another subscriber's key was refused for another"
          + " reason: " + e.failInfo() + ": " + e.detail());
    }
    throw new KraOperation.WrongResult("a key archived against another subscriber's public key was accepted");
  }

  private void requireKeyOf(KeyHandle privateKey, SubjectPublicKeyInfo requestedKey, String what) {
    SubjectPublicKeyInfo onToken = SubjectPublicKeyInfo.getInstance(token.publicKey(privateKey).getEncoded());
    if (!onToken.equals(requestedKey)) {
      throw new KraOperation.WrongResult(what + " is not the request's key");
    }
  }

  /** A session object, sensitive, and extractable only where KeyArchiver means it to be. */
  private void requireAttributes(KeyHandle key, boolean extractable, String what) {
    TokenObject row = token.describe(key);
    if (row.persistent() || !row.sensitive().equals(Optional.of(true))
        || !row.extractable().equals(Optional.of(extractable))) {
      throw new KraOperation.WrongResult(what + " should be a sensitive" + (extractable ? ", extractable" : ", not"
          + " extractable") + " session object: " + row);
    }
  }

  @Override
  public void close() {
    standingSessionKeys.forEach(token::destroy);
  }
}
