package org.p11ca.hsm.pkcs11;

import static org.p11ca.hsm.pkcs11.Pkcs11Constants.*;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.ASN1Integer;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.EcCurve;
import org.p11ca.hsm.HashAlgorithm;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.HsmException.Reason;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.KeyType;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.ObjectId;
import org.p11ca.hsm.PinSource;
import org.p11ca.hsm.RsaPadding;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.SigningTally;
import org.p11ca.hsm.SymmetricCipher;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.TokenConfig;
import org.p11ca.hsm.TokenInfo;
import org.p11ca.hsm.TokenObject;
import org.p11ca.hsm.WrapMechanism;
import org.p11ca.hsm.WrappedKey;

/**
 * The token, on top of either binding. Owns the session pool, logs in once, retries an operation once after
 * reopening a lost session, logging in again or re-finding a stale key handle, and caches key look-ups (SoftHSM and
 * many HSMs scan every object on C_FindObjects).
 */
public final class Pkcs11Token implements Token {

  private static final System.Logger LOG = System.getLogger(Pkcs11Token.class.getName());

  private static final long[] HANDLE_ATTRIBUTES = {CKA_CLASS, CKA_KEY_TYPE, CKA_LABEL, CKA_ID, CKA_TOKEN,
      CKA_MODULUS_BITS, CKA_MODULUS, CKA_EC_PARAMS, CKA_VALUE_LEN};
  private static final long[] LISTING_ATTRIBUTES = {CKA_CLASS, CKA_KEY_TYPE, CKA_LABEL, CKA_ID, CKA_TOKEN,
      CKA_MODULUS_BITS, CKA_MODULUS, CKA_EC_PARAMS, CKA_VALUE_LEN, CKA_PRIVATE, CKA_SENSITIVE, CKA_EXTRACTABLE,
      CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE};

  private final Pkcs11Binding binding;
  private final Backend backend;
  private final TokenInfo info;
  private final Map<Long, Long> mechanisms;
  private final VendorQuirks quirks;
  private final SessionPool pool;
  private volatile PinSource userPin;
  private final Map<String, KeyHandle> lookupCache = new ConcurrentHashMap<>();
  private final Map<Long, Long> remappedHandles = new ConcurrentHashMap<>();
  private final Map<Long, KeyHandle> issuedPersistent = new ConcurrentHashMap<>();
  private final Map<Long, PublicKey> publicKeyCache = new ConcurrentHashMap<>();
  private final SigningMeter signing = new SigningMeter();

  Pkcs11Token(Pkcs11Binding binding, Backend backend, TokenInfo info, TokenConfig config) {
    this.binding = binding;
    this.backend = backend;
    this.info = info;
    this.userPin = config.userPin();
    this.quirks = new VendorQuirks(info);
    Map<Long, Long> offered = new HashMap<>();
    binding.mechanisms(info.slotId()).forEach((m, flags) -> offered.put(m, quirks.mechanismFlags(flags)));
    for (String name : config.disabledMechanisms()) {
      long m = Pkcs11Constants.mechanism(name).orElseThrow(
          () -> new IllegalArgumentException("unknown mechanism '" + name + "' in disabled mechanisms"));
      offered.remove(m);
    }
    this.mechanisms = Map.copyOf(offered);
    int capacity = config.sessionPoolSize();
    if (info.maxSessionCount() > 0 && info.maxSessionCount() < capacity) {
      capacity = (int) info.maxSessionCount();
    }
    this.pool = new SessionPool(binding, info.slotId(), info.label(), capacity, config.sessionCheckoutTimeout());
    try {
      login();
    } catch (RuntimeException e) {
      // Close the session login was tried on: left open, it would keep the token in use for this process.
      pool.close();
      throw e;
    }
  }

  @Override
  public TokenInfo info() {
    return info;
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public Optional<SigningTally> signingTally() {
    return signing.tally();
  }

  /** How many sessions the pool may hold: the configured size, capped by the token. */
  public int sessionPoolCapacity() {
    return pool.capacity();
  }

  // ---------------------------------------------------------------- sessions and recovery

  @FunctionalInterface
  private interface SessionOp<T> {
    T apply(long session);
  }

  private <T> T call(String what, SessionOp<T> op) {
    for (int attempt = 0; ; attempt++) {
      SessionPool.Lease lease = pool.lease();
      try {
        T result = op.apply(lease.session());
        lease.close();
        return result;
      } catch (Pkcs11Error e) {
        long c = e.code();
        boolean retry = attempt == 0;
        if (ErrorMapping.sessionLost(c)) {
          lease.discard();
        } else if (ErrorMapping.deviceReset(c)) {
          lease.discard();
          pool.discardIdle();
          lookupCache.clear();
        } else if (ErrorMapping.loginLost(c)) {
          lease.close();
          if (retry) {
            login();
          }
        } else if (ErrorMapping.staleObjectHandle(c)) {
          lease.close();
          retry = retry && refreshStaleHandles();
        } else if (ErrorMapping.sessionStillUsable(c) || quirks.generalErrorLeavesSessionUsable(c)) {
          // Keep the session: closing it would destroy every session object it created.
          lease.close();
          retry = false;
        } else {
          // Unknown state: an operation may still be active in the session, so do not reuse it.
          lease.discard();
          retry = false;
        }
        if (!retry) {
          throw ErrorMapping.toHsm(e, what, info.label());
        }
        LOG.log(System.Logger.Level.INFO, "{0} on token ''{1}'' got {2}; retrying once", what, info.label(),
            e.codeName());
      } catch (HsmException e) {
        // A refusal by the binding itself (e.g. an operation it cannot express) never touched the session.
        lease.close();
        throw e;
      } catch (RuntimeException e) {
        lease.discard();
        throw e;
      }
    }
  }

  private void login() {
    char[] pin = userPin.read();
    try (SessionPool.Lease lease = pool.lease()) {
      binding.login(lease.session(), CKU_USER, pin);
    } catch (Pkcs11Error e) {
      if (e.code() != CKR_USER_ALREADY_LOGGED_IN) {
        throw ErrorMapping.toHsm(e, "login", info.label());
      }
    } finally {
      Arrays.fill(pin, '\0');
    }
  }

  /**
   * After CKR_OBJECT_HANDLE_INVALID: handles of private objects die when the token logs out (SoftHSM does this when
   * another party calls C_Logout or closes the last session), so log in again, re-find every persistent object
   * handed out, and remember the new handles for the old ones callers still hold.
   */
  private boolean refreshStaleHandles() {
    login();
    List<KeyHandle> issued = new ArrayList<>(issuedPersistent.values());
    lookupCache.clear();
    publicKeyCache.clear();
    boolean any = false;
    for (KeyHandle old : issued) {
      if (old.label().isEmpty() && old.id().isEmpty()) {
        continue;
      }
      Optional<KeyHandle> fresh = findKey(old.objectClass(), new KeySelector(old.label(), old.id()));
      if (fresh.isPresent() && fresh.get().nativeHandle() != old.nativeHandle()) {
        remappedHandles.put(old.nativeHandle(), fresh.get().nativeHandle());
        issuedPersistent.remove(old.nativeHandle());
        any = true;
      }
    }
    return any;
  }

  private long nativeOf(KeyHandle h) {
    if (!h.issuedBy(this)) {
      throw new IllegalArgumentException("key handle " + h + " belongs to another token");
    }
    long handle = h.nativeHandle();
    // A handle may have been re-found more than once; follow the chain to the newest.
    for (int hops = 0; hops < 8 && remappedHandles.containsKey(handle); hops++) {
      handle = remappedHandles.get(handle);
    }
    return handle;
  }

  private void requireMechanism(long mechanism) {
    if (!mechanisms.containsKey(mechanism)) {
      throw new HsmException(Reason.MECHANISM_UNSUPPORTED,
          "token '" + info.label() + "' does not offer " + Pkcs11Constants.name("CKM", mechanism));
    }
  }

  /** Whether the token offers (and configuration did not disable) a mechanism. */
  public boolean offers(long mechanism) {
    return mechanisms.containsKey(mechanism);
  }

  /** Whether the token offers a mechanism for a use, by its CK_MECHANISM_INFO flags (e.g. CKF_WRAP). */
  public boolean offers(long mechanism, long flag) {
    Long flags = mechanisms.get(mechanism);
    return flags != null && (flags & flag) != 0;
  }

  // ---------------------------------------------------------------- finding

  @Override
  public Optional<KeyHandle> findKey(ObjectClass objectClass, KeySelector selector) {
    String cacheKey = objectClass + "|" + selector.label().orElse("") + "|" + selector.id().map(ObjectId::hex)
        .orElse("");
    KeyHandle cached = lookupCache.get(cacheKey);
    if (cached != null) {
      return Optional.of(cached);
    }
    List<Attr> template = new ArrayList<>();
    template.add(Attr.of(CKA_CLASS, Templates.objectClassCode(objectClass)));
    selector.label().ifPresent(l -> template.add(Attr.of(CKA_LABEL, l)));
    selector.id().ifPresent(i -> template.add(Attr.of(CKA_ID, i.bytes())));
    Optional<KeyHandle> found = call("finding " + selector, s -> {
      long[] objects = binding.findObjects(s, template, 2);
      if (objects.length == 0) {
        return Optional.empty();
      }
      if (objects.length > 1) {
        throw new HsmException(Reason.INVALID_INPUT, "more than one " + objectClass + " on token '"
            + info.label() + "' matches " + selector + ": give both label and CKA_ID");
      }
      return Optional.of(handleFor(s, objects[0]));
    });
    found.ifPresent(h -> lookupCache.put(cacheKey, h));
    return found;
  }

  private KeyHandle handleFor(long session, long object) {
    Map<Long, Object> a = binding.getAttributes(session, object, HANDLE_ATTRIBUTES);
    KeyHandle h = new KeyHandle(this, Templates.objectClass((Long) a.get(CKA_CLASS)),
        Templates.keyType((Long) a.get(CKA_KEY_TYPE)), label(a), id(a), sizeBits(a),
        Boolean.TRUE.equals(a.get(CKA_TOKEN)), object);
    if (h.persistent()) {
      issuedPersistent.put(object, h);
    }
    return h;
  }

  private static Optional<String> label(Map<Long, Object> a) {
    Object l = a.get(CKA_LABEL);
    return l instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
  }

  private static Optional<ObjectId> id(Map<Long, Object> a) {
    Object i = a.get(CKA_ID);
    return i instanceof byte[] b && b.length > 0 ? Optional.of(ObjectId.of(b)) : Optional.empty();
  }

  private static int sizeBits(Map<Long, Object> a) {
    if (a.get(CKA_MODULUS_BITS) instanceof Long bits && bits > 0) {
      return bits.intValue();
    }
    if (a.get(CKA_MODULUS) instanceof BigInteger n) {
      return n.bitLength();
    }
    if (a.get(CKA_EC_PARAMS) instanceof byte[] p) {
      return EcCurve.fromEcParams(p).map(EcCurve::bits).orElse(0);
    }
    if (a.get(CKA_VALUE_LEN) instanceof Long len) {
      return (int) (len * 8);
    }
    return 0;
  }

  @Override
  public Optional<X509Certificate> findCertificate(KeySelector selector) {
    return findKey(ObjectClass.CERTIFICATE, selector).map(h -> call("reading certificate " + selector, s -> {
      Object der = binding.getAttributes(s, nativeOf(h), CKA_VALUE).get(CKA_VALUE);
      if (!(der instanceof byte[] bytes)) {
        throw new HsmException(Reason.OPERATION_FAILED, "certificate " + selector + " has no value");
      }
      return parseCertificate(bytes);
    }));
  }

  private static X509Certificate parseCertificate(byte[] der) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new HsmException(Reason.OPERATION_FAILED, "certificate object on token is not valid X.509", e);
    }
  }

  @Override
  public List<TokenObject> listObjects() {
    return call("listing objects", s -> {
      long[] objects = binding.findObjects(s, List.of(), 100_000);
      List<TokenObject> rows = new ArrayList<>(objects.length);
      for (long o : objects) {
        rows.add(row(binding.getAttributes(s, o, LISTING_ATTRIBUTES)));
      }
      return rows;
    });
  }

  @Override
  public TokenObject describe(KeyHandle object) {
    return callOn("reading attributes of " + object,
        s -> row(binding.getAttributes(s, nativeOf(object), LISTING_ATTRIBUTES)), object);
  }

  private static TokenObject row(Map<Long, Object> a) {
    return new TokenObject(Templates.objectClass((Long) a.get(CKA_CLASS)),
        Templates.keyType((Long) a.get(CKA_KEY_TYPE)), label(a), id(a), sizeBits(a),
        Boolean.TRUE.equals(a.get(CKA_TOKEN)), bool(a, CKA_PRIVATE), bool(a, CKA_SENSITIVE),
        bool(a, CKA_EXTRACTABLE), bool(a, CKA_ALWAYS_SENSITIVE), bool(a, CKA_NEVER_EXTRACTABLE));
  }

  private static Optional<Boolean> bool(Map<Long, Object> a, long type) {
    return a.get(type) instanceof Boolean b ? Optional.of(b) : Optional.empty();
  }

  @Override
  public PublicKey publicKey(KeyHandle key) {
    PublicKey cached = publicKeyCache.get(nativeOf(key));
    if (cached != null) {
      return cached;
    }
    PublicKey pk = switch (key.keyType()) {
      case RSA -> rsaPublicKey(key);
      case EC -> ecPublicKey(key);
      default -> throw new HsmException(Reason.INVALID_INPUT, key + " has no public key");
    };
    publicKeyCache.put(nativeOf(key), pk);
    return pk;
  }

  private PublicKey rsaPublicKey(KeyHandle key) {
    Map<Long, Object> a = callOn("reading public key of " + key,
        s -> binding.getAttributes(s, nativeOf(key), CKA_MODULUS, CKA_PUBLIC_EXPONENT), key);
    if (a.get(CKA_MODULUS) instanceof BigInteger n && a.get(CKA_PUBLIC_EXPONENT) instanceof BigInteger e) {
      return PublicKeys.rsa(n, e);
    }
    return publicKeyFromSibling(key);
  }

  private PublicKey ecPublicKey(KeyHandle key) {
    if (key.objectClass() == ObjectClass.PUBLIC_KEY) {
      Map<Long, Object> a = callOn("reading public key of " + key,
          s -> binding.getAttributes(s, nativeOf(key), CKA_EC_PARAMS, CKA_EC_POINT), key);
      if (a.get(CKA_EC_PARAMS) instanceof byte[] p && a.get(CKA_EC_POINT) instanceof byte[] q) {
        return PublicKeys.ec(p, q);
      }
    }
    return publicKeyFromSibling(key);
  }

  /** A private EC key carries no point: take it from the public key or certificate sharing its CKA_ID. */
  private PublicKey publicKeyFromSibling(KeyHandle key) {
    if (key.id().isEmpty() && key.label().isEmpty()) {
      // PKCS#11 keeps an EC point only on the public key object (CKA_EC_POINT), so an unwrapped EC session key alone
      // cannot say its public key; signing with it and verifying in software can show which key it is.
      throw new HsmException(Reason.KEY_NOT_FOUND, "no public key for " + key + ": the object does not carry it"
          + (key.keyType() == KeyType.EC ? " (an EC private key has no CKA_EC_POINT)" : "")
          + " and it has neither label nor id to find its public key or certificate by");
    }
    KeySelector sel = key.id().isPresent() ? KeySelector.id(key.id().get()) : KeySelector.label(key.label().get());
    Optional<KeyHandle> pub = findKey(ObjectClass.PUBLIC_KEY, sel);
    if (pub.isPresent() && pub.get().objectClass() == ObjectClass.PUBLIC_KEY) {
      return publicKey(pub.get());
    }
    return findCertificate(sel).map(X509Certificate::getPublicKey).orElseThrow(() -> new HsmException(
        Reason.KEY_NOT_FOUND, "no public key or certificate with " + sel + " on token '" + info.label() + "'"));
  }

  // ---------------------------------------------------------------- crypto

  @Override
  public byte[] sign(KeyHandle key, SignatureAlgorithm algorithm, byte[] data) {
    requireKind(key, ObjectClass.PRIVATE_KEY, algorithm.keyType(), "sign with " + algorithm);
    byte[] digest = algorithm.hash().digest(data);
    return switch (algorithm.scheme()) {
      case RSA_PKCS1 -> {
        requireMechanism(CKM_RSA_PKCS);
        byte[] di = SignatureEncoding.digestInfo(algorithm.hash(), digest);
        yield callOn("signing with " + key,
            s -> signing.sign(() -> binding.sign(s, Mech.of(CKM_RSA_PKCS), nativeOf(key), di)), key);
      }
      case RSA_PSS -> {
        requireMechanism(CKM_RSA_PKCS_PSS);
        HashAlgorithm h = algorithm.hash();
        Mech m = Mech.of(CKM_RSA_PKCS_PSS, new Mech.Pss(hashMechanism(h), mgf(h), h.length()));
        yield callOn("signing with " + key, s -> signing.sign(() -> binding.sign(s, m, nativeOf(key), digest)), key);
      }
      case ECDSA -> {
        requireMechanism(CKM_ECDSA);
        byte[] raw = callOn("signing with " + key,
            s -> signing.sign(() -> binding.sign(s, Mech.of(CKM_ECDSA), nativeOf(key), digest)), key);
        yield SignatureEncoding.ecdsaToDer(raw);
      }
    };
  }

  @Override
  public byte[] decrypt(KeyHandle key, RsaPadding padding, byte[] ciphertext) {
    requireKind(key, ObjectClass.PRIVATE_KEY, KeyType.RSA, "RSA decryption");
    Mech m = rsaMechanism(padding);
    requireMechanism(m.type());
    int max = key.sizeBits() > 0 ? (key.sizeBits() + 7) / 8 : 1024;
    try {
      return callOn("decrypting with " + key, s -> binding.decrypt(s, m, nativeOf(key), ciphertext, max), key);
    } catch (HsmException e) {
      throw oaepHashRefusal(padding, decryptionFailure(e,
          "RSA decryption with " + key + " failed: the ciphertext or padding is invalid"));
    }
  }

  @Override
  public byte[] encrypt(KeyHandle key, RsaPadding padding, byte[] plaintext) {
    requireKind(key, ObjectClass.PUBLIC_KEY, KeyType.RSA, "RSA encryption");
    Mech m = rsaMechanism(padding);
    requireMechanism(m.type());
    int max = key.sizeBits() > 0 ? (key.sizeBits() + 7) / 8 : 1024;
    if (key.sizeBits() > 0) {
      // RFC 8017 7.2.1 (k - 11) and 7.1.1 (k - 2 hLen - 2); checked here because tokens disagree on the answer
      // (SoftHSM 2.6.1 says CKR_GENERAL_ERROR).
      int limit = padding instanceof RsaPadding.Oaep oaep ? max - 2 * oaep.hash().length() - 2 : max - 11;
      if (plaintext.length > limit) {
        throw new HsmException(Reason.INVALID_INPUT, "RSA-" + key.sizeBits() + " with "
            + (padding instanceof RsaPadding.Oaep oaep ? "OAEP-" + oaep.hash().jcaName() : "PKCS#1 v1.5")
            + " encrypts at most " + limit + " bytes, not " + plaintext.length);
      }
    }
    try {
      return callOn("encrypting with " + key, s -> binding.encrypt(s, m, nativeOf(key), plaintext, max), key);
    } catch (HsmException e) {
      throw oaepHashRefusal(padding, e);
    }
  }

  @Override
  public byte[] encrypt(KeyHandle key, SymmetricCipher cipher, byte[] plaintext) {
    requireKind(key, ObjectClass.SECRET_KEY, KeyType.AES, "AES encryption");
    Mech m = aesMechanism(cipher);
    requireMechanism(m.type());
    requireWholeBlocks(cipher, plaintext, "plaintext");
    int max = plaintext.length + 32;
    return callOn("encrypting with " + key, s -> binding.encrypt(s, m, nativeOf(key), plaintext, max), key);
  }

  @Override
  public byte[] decrypt(KeyHandle key, SymmetricCipher cipher, byte[] ciphertext) {
    requireKind(key, ObjectClass.SECRET_KEY, KeyType.AES, "AES decryption");
    Mech m = aesMechanism(cipher);
    requireMechanism(m.type());
    requireWholeBlocks(cipher, ciphertext, "ciphertext");
    int max = ciphertext.length + 16;
    try {
      return callOn("decrypting with " + key, s -> binding.decrypt(s, m, nativeOf(key), ciphertext, max), key);
    } catch (HsmException e) {
      throw decryptionFailure(e, cipher instanceof SymmetricCipher.AesGcm
          ? "AES-GCM authentication failed with " + key + ": the ciphertext, IV or additional data was altered"
          : "AES decryption with " + key + " failed: the ciphertext or padding is invalid");
    }
  }

  /** CKM_AES_CBC has no padding to fill a last block, and a token's answer to a partial one varies. */
  private static void requireWholeBlocks(SymmetricCipher cipher, byte[] data, String what) {
    if (cipher instanceof SymmetricCipher.AesCbc && (data.length == 0 || data.length % 16 != 0)) {
      throw new HsmException(Reason.INVALID_INPUT, "AES-CBC without padding needs whole 16-byte blocks: the "
          + what + " is " + data.length + " bytes; use AesCbcPad for data of any length");
    }
  }

  /**
   * Used for every RSA operation with OAEP. A token that lacks the hash refuses the parameters, with
   * CKR_MECHANISM_PARAM_INVALID per PKCS#11 or, SoftHSM 2.6.1, CKR_ARGUMENTS_BAD: either is reported as the
   * missing capability it is, not as a failure of the call.
   */
  private HsmException oaepHashRefusal(RsaPadding padding, HsmException e) {
    if (padding instanceof RsaPadding.Oaep oaep && e.getCause() instanceof Pkcs11Error p
        && (quirks.oaepHashRefusedAsBadArguments(p.code()) || p.code() == CKR_MECHANISM_PARAM_INVALID)) {
      return new HsmException(Reason.MECHANISM_UNSUPPORTED, "token '" + info.label() + "' cannot do RSA-OAEP with "
          + oaep.hash().jcaName() + " and MGF1-" + oaep.mgfHash().jcaName() + " (" + p.codeName() + ")"
          + quirks.oaepHashNote(), e);
    }
    return e;
  }

  /**
   * A call that failed because one of its handles names no object, where that object was a session object: it
   * died with its session (see the Token Javadoc) and cannot be re-found, so the caller must start over.
   */
  private <T> T callOn(String what, SessionOp<T> op, KeyHandle... keys) {
    try {
      return call(what, op);
    } catch (HsmException e) {
      throw sessionObjectGone(e, what, keys);
    }
  }

  private HsmException sessionObjectGone(HsmException e, String what, KeyHandle... keys) {
    if (!(e.getCause() instanceof Pkcs11Error p) || !ErrorMapping.staleObjectHandle(p.code())) {
      return e;
    }
    List<String> gone = Arrays.stream(keys).filter(k -> !k.persistent()).map(KeyHandle::toString).toList();
    if (gone.isEmpty()) {
      return e;
    }
    return new HsmException(Reason.KEY_NOT_FOUND, what + " on token '" + info.label() + "' failed with "
        + p.codeName() + ": " + String.join(", ", gone) + " may be gone. A session object dies with the session"
        + " that created it (closed after a device error or an unexpected failure, or by a logout) and cannot be"
        + " found again: destroy what is left and repeat the whole operation", e);
  }

  private HsmException decryptionFailure(HsmException e, String message) {
    if (e.getCause() instanceof Pkcs11Error p && quirks.decryptionFailureIsGeneralError(p.code())) {
      return new HsmException(Reason.INVALID_INPUT, message, e);
    }
    return e;
  }

  @Override
  public byte[] wrapKey(KeyHandle wrappingKey, WrapMechanism mechanism, KeyHandle keyToWrap) {
    if (mechanism instanceof WrapMechanism.Rsa) {
      // C_WrapKey takes the public half; the private key's handle would only earn a bare KEY_TYPE_INCONSISTENT.
      requireKind(wrappingKey, ObjectClass.PUBLIC_KEY, KeyType.RSA, "wrap under RSA");
    }
    Mech m = wrapMechanism(mechanism);
    requireMechanism(m.type());
    try {
      return callOn("wrapping " + keyToWrap + " under " + wrappingKey,
          s -> binding.wrapKey(s, m, nativeOf(wrappingKey), nativeOf(keyToWrap)), wrappingKey, keyToWrap);
    } catch (HsmException e) {
      throw mechanism instanceof WrapMechanism.Rsa rsa ? oaepHashRefusal(rsa.padding(), e) : e;
    }
  }

  @Override
  public WrappedKey wrapKeyForStorage(KeyHandle aesWrappingKey, KeyHandle keyToWrap) {
    WrapMechanism m;
    // Listing a mechanism is not enough: SoftHSM 2.6.1 lists CKM_AES_CBC_PAD but only for encryption.
    if (offers(CKM_AES_KEY_WRAP_PAD, CKF_WRAP)) {
      m = new WrapMechanism.AesKeyWrapPad();
    } else if (offers(CKM_AES_CBC_PAD, CKF_WRAP)) {
      m = new WrapMechanism.AesCbcPad(generateRandom(16));
    } else {
      throw new HsmException(Reason.MECHANISM_UNSUPPORTED, "token '" + info.label()
          + "' offers neither CKM_AES_KEY_WRAP_PAD nor CKM_AES_CBC_PAD for wrapping keys");
    }
    return new WrappedKey(m, wrapKey(aesWrappingKey, m, keyToWrap));
  }

  @Override
  public KeyHandle unwrapKey(KeyHandle unwrappingKey, WrapMechanism mechanism, byte[] wrapped,
      ObjectClass objectClass, KeyType keyType, KeyAttributes attributes) {
    Mech m = wrapMechanism(mechanism);
    requireMechanism(m.type());
    List<Attr> template = switch (objectClass) {
      case SECRET_KEY -> Templates.secretKey(Templates.keyTypeCode(keyType), attributes);
      case PRIVATE_KEY -> Templates.privateKey(Templates.keyTypeCode(keyType), attributes);
      default -> throw new IllegalArgumentException("can only unwrap secret or private keys, not " + objectClass);
    };
    requireNewLabel(objectClass, attributes);
    try {
      return afterCreation(callOn("unwrapping a " + keyType + " key with " + unwrappingKey, s -> {
        long h = binding.unwrapKey(s, m, nativeOf(unwrappingKey), wrapped, template);
        return handleFor(s, h);
      }, unwrappingKey));
    } catch (HsmException e) {
      if (mechanism instanceof WrapMechanism.Rsa rsa) {
        throw oaepHashRefusal(rsa.padding(), decryptionFailure(e, "unwrapping with " + unwrappingKey
            + " failed: the wrapped key or its padding is invalid"));
      }
      e = decryptionFailure(e, "unwrapping with " + unwrappingKey + " failed: the wrapped key is corrupt, or was"
          + " wrapped under another key");
      if (e.getCause() instanceof Pkcs11Error p && p.code() == CKR_MECHANISM_INVALID) {
        // Listed for encryption is not offered for unwrapping (SoftHSM 2.6.1 and CKM_AES_CBC_PAD).
        throw new HsmException(Reason.MECHANISM_UNSUPPORTED, "token '" + info.label() + "' cannot unwrap with "
            + m.name() + " (C_UnwrapKey answered " + p.codeName() + ")" + quirks.unwrapMechanismsNote(), e);
      }
      throw e;
    }
  }

  @Override
  public byte[] generateRandom(int length) {
    return call("generating random bytes", s -> binding.generateRandom(s, length));
  }

  @Override
  public KeyHandle deriveEcdhAesKey(KeyHandle ecPrivateKey, PublicKey peerPublicKey, HashAlgorithm kdfHash,
      byte[] sharedInfo, int aesBits, KeyAttributes attributes) {
    requireKind(ecPrivateKey, ObjectClass.PRIVATE_KEY, KeyType.EC, "derive an ECDH secret");
    if (!(peerPublicKey instanceof ECPublicKey peer)) {
      throw new HsmException(Reason.INVALID_INPUT, "ECDH needs the peer's EC public key, not a "
          + peerPublicKey.getAlgorithm() + " key");
    }
    if (aesBits != 128 && aesBits != 192 && aesBits != 256) {
      throw new IllegalArgumentException("AES keys are 128, 192 or 256 bits, not " + aesBits);
    }
    if (aesBits / 8 > kdfHash.length()) {
      throw new IllegalArgumentException("one " + kdfHash.jcaName() + " block cannot make an AES-" + aesBits + " key");
    }
    requireMechanism(CKM_ECDH1_DERIVE);
    long digest = hashMechanism(kdfHash);
    requireMechanism(digest);
    requireNewLabel(ObjectClass.SECRET_KEY, attributes);
    int secretBytes = (peer.getParams().getCurve().getField().getFieldSize() + 7) / 8;
    // CKD_NULL: the derived key's value is Z itself. The raw uncompressed point is what PKCS#11 2.40 asks for.
    Mech ecdh = Mech.of(CKM_ECDH1_DERIVE, new Mech.Ecdh1Derive(CKD_NULL, null,
        PublicKeys.subjectPublicKeyBits(peer)));
    List<Attr> sharedSecret = Templates.secretKey(CKK_GENERIC_SECRET, KeyAttributes.session(KeyUsage.DERIVE));
    sharedSecret.add(Attr.of(CKA_VALUE_LEN, (long) secretBytes));
    // X9.63 with one hash block: the 32-bit counter 1, then SharedInfo.
    byte[] counterAndInfo = new byte[4 + sharedInfo.length];
    counterAndInfo[3] = 1;
    System.arraycopy(sharedInfo, 0, counterAndInfo, 4, sharedInfo.length);
    byte[] peerCurve = PublicKeys.ecParams(peer);
    return afterCreation(callOn("deriving an AES-" + aesBits + " key by ECDH with " + ecPrivateKey, s -> {
      // Checked here: SoftHSM answers a point on another curve with a bare CKR_GENERAL_ERROR.
      if (!(binding.getAttributes(s, nativeOf(ecPrivateKey), CKA_EC_PARAMS).get(CKA_EC_PARAMS) instanceof byte[] own)
          || !Arrays.equals(own, peerCurve)) {
        throw new HsmException(Reason.INVALID_INPUT, "cannot derive an ECDH secret between " + ecPrivateKey
            + " and a peer key on " + EcCurve.fromEcParams(peerCurve).map(EcCurve::name).orElse("another curve")
            + ": both keys must be on the same curve");
      }
      long z = binding.deriveKey(s, ecdh, nativeOf(ecPrivateKey), sharedSecret);
      byte[] hash = null;
      byte[] value = null;
      try {
        hash = binding.digestKeyThenData(s, Mech.of(digest), z, counterAndInfo);
        value = Arrays.copyOf(hash, aesBits / 8);
        List<Attr> aes = Templates.secretKey(CKK_AES, attributes);
        // The canonical constructor, not Attr.of, which would keep a copy this finally block cannot wipe.
        aes.add(new Attr(CKA_VALUE, value));
        return handleFor(s, binding.createObject(s, aes));
      } finally {
        for (byte[] secret : new byte[][] {hash, value}) {
          if (secret != null) {
            Arrays.fill(secret, (byte) 0);
          }
        }
        binding.destroyObject(s, z);
      }
    }, ecPrivateKey));
  }

  private static void requireKind(KeyHandle key, ObjectClass cls, KeyType type, String what) {
    if (key.objectClass() != cls || key.keyType() != type) {
      throw new HsmException(Reason.INVALID_INPUT, "cannot " + what + " using " + key + ": need a " + type + " "
          + cls.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
    }
  }

  private static long hashMechanism(HashAlgorithm h) {
    return switch (h) {
      case SHA1 -> CKM_SHA_1;
      case SHA256 -> CKM_SHA256;
      case SHA384 -> CKM_SHA384;
      case SHA512 -> CKM_SHA512;
    };
  }

  private static long mgf(HashAlgorithm h) {
    return switch (h) {
      case SHA1 -> CKG_MGF1_SHA1;
      case SHA256 -> CKG_MGF1_SHA256;
      case SHA384 -> CKG_MGF1_SHA384;
      case SHA512 -> CKG_MGF1_SHA512;
    };
  }

  private static Mech rsaMechanism(RsaPadding padding) {
    if (padding instanceof RsaPadding.Oaep oaep) {
      return Mech.of(CKM_RSA_PKCS_OAEP, new Mech.Oaep(hashMechanism(oaep.hash()), mgf(oaep.mgfHash())));
    }
    return Mech.of(CKM_RSA_PKCS);
  }

  private static Mech aesMechanism(SymmetricCipher cipher) {
    if (cipher instanceof SymmetricCipher.AesGcm gcm) {
      return Mech.of(CKM_AES_GCM, new Mech.Gcm(gcm.iv(), gcm.aad(), gcm.tagBits()));
    } else if (cipher instanceof SymmetricCipher.AesCbc cbc) {
      return Mech.of(CKM_AES_CBC, new Mech.Bytes(cbc.iv()));
    }
    return Mech.of(CKM_AES_CBC_PAD, new Mech.Bytes(((SymmetricCipher.AesCbcPad) cipher).iv()));
  }

  private static Mech wrapMechanism(WrapMechanism w) {
    if (w instanceof WrapMechanism.Rsa rsa) {
      return rsaMechanism(rsa.padding());
    } else if (w instanceof WrapMechanism.AesKeyWrapPad) {
      return Mech.of(CKM_AES_KEY_WRAP_PAD);
    } else if (w instanceof WrapMechanism.AesKeyWrap) {
      return Mech.of(CKM_AES_KEY_WRAP);
    }
    return Mech.of(CKM_AES_CBC_PAD, new Mech.Bytes(((WrapMechanism.AesCbcPad) w).iv()));
  }

  // ---------------------------------------------------------------- creating and destroying

  @Override
  public KeyHandle generateAesKey(int bits, KeyAttributes attributes) {
    if (bits != 128 && bits != 192 && bits != 256) {
      throw new IllegalArgumentException("AES keys are 128, 192 or 256 bits, not " + bits);
    }
    requireMechanism(CKM_AES_KEY_GEN);
    requireNewLabel(ObjectClass.SECRET_KEY, attributes);
    List<Attr> template = Templates.aesKeyGeneration(bits, attributes);
    return afterCreation(call("generating an AES-" + bits + " key", s ->
        handleFor(s, binding.generateKey(s, Mech.of(CKM_AES_KEY_GEN), template))));
  }

  @Override
  public KeyHandle generateKeyPair(KeyPairSpec spec, KeyAttributes attributes) {
    long mech = spec instanceof KeyPairSpec.Rsa ? CKM_RSA_PKCS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN;
    requireMechanism(mech);
    requireNewLabel(ObjectClass.PRIVATE_KEY, attributes);
    // Without a caller-chosen CKA_ID, the pair is retagged with the RFC 5280 method-1 key identifier once the public
    // key is known, so the certificate's SKI and the key's CKA_ID agree and tools pairing them by CKA_ID work.
    boolean deriveId = attributes.id().isEmpty();
    KeyAttributes withId = deriveId ? attributes.withId(ObjectId.random(20)) : attributes;
    List<Attr> pub = Templates.keyPairPublic(spec, withId);
    List<Attr> priv = Templates.keyPairPrivate(spec, withId);
    long[] pair = call("generating an " + spec + " key pair",
        s -> binding.generateKeyPair(s, Mech.of(mech), pub, priv));
    if (deriveId) {
      PublicKey pk = call("reading the new public key", s -> publicKeyOfObject(s, pair[0]));
      ObjectId id = ObjectId.of(HashAlgorithm.SHA1.digest(PublicKeys.subjectPublicKeyBits(pk)));
      call("setting CKA_ID of the new key pair", s -> {
        binding.setAttributes(s, pair[0], List.of(Attr.of(CKA_ID, id.bytes())));
        binding.setAttributes(s, pair[1], List.of(Attr.of(CKA_ID, id.bytes())));
        return null;
      });
    }
    return afterCreation(call("reading the new private key", s -> handleFor(s, pair[1])));
  }

  private PublicKey publicKeyOfObject(long session, long object) {
    Map<Long, Object> a = binding.getAttributes(session, object, CKA_MODULUS, CKA_PUBLIC_EXPONENT, CKA_EC_PARAMS,
        CKA_EC_POINT);
    if (a.get(CKA_MODULUS) instanceof BigInteger n && a.get(CKA_PUBLIC_EXPONENT) instanceof BigInteger e) {
      return PublicKeys.rsa(n, e);
    }
    if (a.get(CKA_EC_PARAMS) instanceof byte[] p && a.get(CKA_EC_POINT) instanceof byte[] q) {
      return PublicKeys.ec(p, q);
    }
    throw new HsmException(Reason.OPERATION_FAILED, "token did not return the generated public key");
  }

  @Override
  public KeyHandle importCertificate(String label, ObjectId id, X509Certificate certificate) {
    if (findKey(ObjectClass.CERTIFICATE, KeySelector.label(label)).isPresent()) {
      throw new HsmException(Reason.OBJECT_EXISTS,
          "a certificate labelled '" + label + "' is already on token '" + info.label() + "'");
    }
    List<Attr> t = new ArrayList<>();
    try {
      t.add(Attr.of(CKA_CLASS, CKO_CERTIFICATE));
      t.add(Attr.of(CKA_CERTIFICATE_TYPE, CKC_X_509));
      t.add(Attr.of(CKA_TOKEN, true));
      t.add(Attr.of(CKA_PRIVATE, false));
      t.add(Attr.of(CKA_LABEL, label));
      t.add(Attr.of(CKA_ID, id.bytes()));
      t.add(Attr.of(CKA_SUBJECT, certificate.getSubjectX500Principal().getEncoded()));
      t.add(Attr.of(CKA_ISSUER, certificate.getIssuerX500Principal().getEncoded()));
      t.add(Attr.of(CKA_SERIAL_NUMBER, new ASN1Integer(certificate.getSerialNumber()).getEncoded()));
      t.add(Attr.of(CKA_VALUE, certificate.getEncoded()));
    } catch (CertificateEncodingException | java.io.IOException e) {
      throw new HsmException(Reason.INVALID_INPUT, "cannot encode certificate for import", e);
    }
    return afterCreation(call("importing certificate '" + label + "'", s ->
        handleFor(s, binding.createObject(s, t))));
  }

  @Override
  public KeyHandle importPublicKey(String label, ObjectId id, PublicKey publicKey) {
    KeyAttributes a = publicKey instanceof RSAPublicKey
        ? KeyAttributes.persistent(label, id, KeyUsage.SIGN, KeyUsage.ENCRYPT, KeyUsage.WRAP)
        : KeyAttributes.persistent(label, id, KeyUsage.SIGN);
    return importPublicKey(publicKey, a);
  }

  @Override
  public KeyHandle importPublicKey(PublicKey publicKey, KeyAttributes attributes) {
    boolean rsaKey = publicKey instanceof RSAPublicKey;
    if (!rsaKey && !(publicKey instanceof ECPublicKey)) {
      throw new HsmException(Reason.INVALID_INPUT, "cannot import a " + publicKey.getAlgorithm()
          + " public key: only RSA and EC");
    }
    if (attributes.has(KeyUsage.DECRYPT) || attributes.has(KeyUsage.UNWRAP)) {
      throw new HsmException(Reason.INVALID_INPUT, "a public key cannot decrypt or unwrap: ask for ENCRYPT or WRAP,"
          + " not " + attributes.usages());
    }
    if (!rsaKey && (attributes.has(KeyUsage.ENCRYPT) || attributes.has(KeyUsage.WRAP))) {
      throw new HsmException(Reason.INVALID_INPUT, "an EC public key cannot encrypt or wrap in PKCS#11 (no"
          + " mechanism does EC encryption): ask for SIGN or DERIVE, not " + attributes.usages());
    }
    requireNewLabel(ObjectClass.PUBLIC_KEY, attributes);
    KeyAttributes a = attributes;
    if (a.persistent() && a.id().isEmpty()) {
      // As for generated pairs: the RFC 5280 method-1 key identifier, so a certificate imported later pairs up.
      a = a.withId(ObjectId.of(HashAlgorithm.SHA1.digest(PublicKeys.subjectPublicKeyBits(publicKey))));
    }
    List<Attr> t = Templates.importedPublicKey(rsaKey ? CKK_RSA : CKK_EC, a);
    if (publicKey instanceof RSAPublicKey rsa) {
      t.add(Attr.of(CKA_MODULUS, rsa.getModulus()));
      t.add(Attr.of(CKA_PUBLIC_EXPONENT, rsa.getPublicExponent()));
    } else {
      ECPublicKey ec = (ECPublicKey) publicKey;
      t.add(Attr.of(CKA_EC_PARAMS, PublicKeys.ecParams(ec)));
      t.add(Attr.of(CKA_EC_POINT, PublicKeys.ecPointAttribute(ec)));
    }
    String what = "importing " + (a.persistent() ? "public key" + a.label().map(l -> " '" + l + "'").orElse("")
        : "a public key as a session object");
    return afterCreation(call(what, s -> handleFor(s, binding.createObject(s, t))));
  }

  @Override
  public void destroy(KeyHandle object) {
    callOn("destroying " + object, s -> {
      binding.destroyObject(s, nativeOf(object));
      return null;
    }, object);
    issuedPersistent.remove(nativeOf(object));
    forgetCachedLookups();
  }

  @Override
  public void destroyKeyPair(KeyHandle privateKey) {
    requireKind(privateKey, ObjectClass.PRIVATE_KEY, privateKey.keyType(), "destroy a key pair");
    callOn("destroying the key pair of " + privateKey, s -> {
      if (binding.getAttributes(s, nativeOf(privateKey), CKA_ID).get(CKA_ID) instanceof byte[] id && id.length > 0) {
        for (long pub : binding.findObjects(s, List.of(Attr.of(CKA_CLASS, CKO_PUBLIC_KEY), Attr.of(CKA_ID, id),
            Attr.of(CKA_TOKEN, privateKey.persistent())), 16)) {
          binding.destroyObject(s, pub);
        }
      }
      binding.destroyObject(s, nativeOf(privateKey));
      return null;
    }, privateKey);
    issuedPersistent.remove(nativeOf(privateKey));
    forgetCachedLookups();
  }

  @Override
  public void changeUserPin(PinSource oldPin, PinSource newPin) {
    char[] oldValue = oldPin.read();
    char[] newValue = newPin.read();
    try {
      call("changing the user PIN", s -> {
        binding.setPin(s, oldValue, newValue);
        return null;
      });
      // Later re-logins (after a device reset) must use the new PIN.
      userPin = PinSource.ofValue(newValue);
    } finally {
      Arrays.fill(oldValue, '\0');
      Arrays.fill(newValue, '\0');
    }
  }

  @Override
  public KeyStore jcaKeyStore() {
    return binding.jcaKeyStore(info.slotId(), userPin);
  }

  private void requireNewLabel(ObjectClass cls, KeyAttributes attributes) {
    if (attributes.persistent() && attributes.label().isPresent()
        && findKey(cls, KeySelector.label(attributes.label().get())).isPresent()) {
      throw new HsmException(Reason.OBJECT_EXISTS, "a " + cls.name().toLowerCase(java.util.Locale.ROOT)
          .replace('_', ' ') + " labelled '" + attributes.label().get() + "' is already on token '"
          + info.label() + "'");
    }
  }

  private KeyHandle afterCreation(KeyHandle created) {
    forgetCachedLookups();
    return created;
  }

  private void forgetCachedLookups() {
    lookupCache.clear();
    publicKeyCache.clear();
  }

  @Override
  public void close() {
    pool.close();
  }

  /** For tests of the recovery paths, which disturb sessions as an outside party would. */
  Pkcs11Binding bindingForTests() {
    return binding;
  }

  Map<Long, Object> attributesForTests(KeyHandle object, long... types) {
    return call("reading attributes", s -> binding.getAttributes(s, nativeOf(object), types));
  }

  SessionPool poolForTests() {
    return pool;
  }

  VendorQuirks quirksForTests() {
    return quirks;
  }
}
