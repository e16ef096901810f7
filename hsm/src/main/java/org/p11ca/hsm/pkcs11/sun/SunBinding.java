package org.p11ca.hsm.pkcs11.sun;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.p11ca.hsm.pkcs11.Pkcs11Constants.*;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.HsmException.Reason;
import org.p11ca.hsm.PinSource;
import org.p11ca.hsm.TokenInfo;
import org.p11ca.hsm.pkcs11.Attr;
import org.p11ca.hsm.pkcs11.Mech;
import org.p11ca.hsm.pkcs11.Pkcs11Binding;
import org.p11ca.hsm.pkcs11.Pkcs11Constants;
import org.p11ca.hsm.pkcs11.Pkcs11Error;
import sun.security.pkcs11.wrapper.CK_ATTRIBUTE;
import sun.security.pkcs11.wrapper.CK_C_INITIALIZE_ARGS;
import sun.security.pkcs11.wrapper.CK_ECDH1_DERIVE_PARAMS;
import sun.security.pkcs11.wrapper.CK_GCM_PARAMS;
import sun.security.pkcs11.wrapper.CK_MECHANISM;
import sun.security.pkcs11.wrapper.CK_RSA_PKCS_OAEP_PARAMS;
import sun.security.pkcs11.wrapper.CK_RSA_PKCS_PSS_PARAMS;
import sun.security.pkcs11.wrapper.CK_TOKEN_INFO;
import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Exception;
import sun.security.pkcs11.wrapper.PKCS11RuntimeException;

/**
 * {@link Pkcs11Binding} over the JDK's own SunPKCS11 wrapper. Compiling and running it needs
 * {@code --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED} (and, for javac,
 * {@code --add-modules jdk.crypto.cryptoki}, since that module exports nothing and is not a default root).
 */
public final class SunBinding implements Pkcs11Binding {

  // CK_RSA_PKCS_PSS_PARAMS only takes JCA algorithm names, so the mechanism values are translated back.
  private static final Map<Long, String> HASH_NAMES = Map.of(CKM_SHA_1, "SHA-1", 0x255L, "SHA-224",
      CKM_SHA256, "SHA-256", CKM_SHA384, "SHA-384", CKM_SHA512, "SHA-512");
  private static final Map<Long, String> MGF_HASH_NAMES = Map.of(CKG_MGF1_SHA1, "SHA-1", 0x5L, "SHA-224",
      CKG_MGF1_SHA256, "SHA-256", CKG_MGF1_SHA384, "SHA-384", CKG_MGF1_SHA512, "SHA-512");

  // JDK 17 keeps the native parameters of some operations alive until the caller frees them; later JDKs
  // removed the method together with the need for it, so it is looked up rather than linked.
  private static final MethodHandle FREE_HANDLE = findFreeHandle();
  /** SHA-512's output; C_DigestFinal into a buffer of this size never answers CKR_BUFFER_TOO_SMALL for our hashes. */
  private static final int MAX_DIGEST_BYTES = 64;

  // The wrapper caches PKCS11 instances by this exact string, and the SunPKCS11 provider looks its library up
  // the same way: one spelling for both makes them share one instance and one C_Initialize.
  private final String libraryPath;
  private final PKCS11 p11;
  private final Map<Long, KeyStore> keyStores = new HashMap<>();

  public SunBinding(Path library) {
    this.libraryPath = library.toAbsolutePath().normalize().toString();
    CK_C_INITIALIZE_ARGS initArgs = new CK_C_INITIALIZE_ARGS();
    initArgs.flags = sun.security.pkcs11.wrapper.PKCS11Constants.CKF_OS_LOCKING_OK;
    PKCS11 instance;
    try {
      try {
        instance = PKCS11.getInstance(libraryPath, "C_GetFunctionList", initArgs, false);
      } catch (PKCS11Exception e) {
        if (e.getErrorCode() != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
          throw e;
        }
        // Another binding in this process initialized the library; it stays the owner of C_Finalize.
        instance = PKCS11.getInstance(libraryPath, "C_GetFunctionList", initArgs, true);
      }
    } catch (IOException | PKCS11Exception | RuntimeException | UnsatisfiedLinkError e) {
      // The JDK wraps dlerror() text around the path, which the message already names.
      String cause = shortMessage(e).replace(libraryPath, "").replaceAll("^[\\s:]+|[\\s:]+$", "");
      throw new HsmException(Reason.LIBRARY_LOAD_FAILED, "cannot load PKCS#11 library " + libraryPath + ": "
          + (cause.isEmpty() ? e.getClass().getSimpleName() : cause), e);
    }
    this.p11 = instance;
  }

  @Override
  public String backendName() {
    return "sun";
  }

  @Override
  public List<TokenInfo> slots(boolean tokenPresent) {
    List<TokenInfo> result = new ArrayList<>();
    for (long id : call(() -> p11.C_GetSlotList(tokenPresent))) {
      CK_TOKEN_INFO token = null;
      if ((call(() -> p11.C_GetSlotInfo(id)).flags & CKF_TOKEN_PRESENT) != 0) {
        try {
          token = p11.C_GetTokenInfo(id);
        } catch (PKCS11Exception e) {
          // A token pulled between the two calls makes an empty slot, not an error.
          if (e.getErrorCode() != CKR_TOKEN_NOT_PRESENT) {
            throw new Pkcs11Error(e.getErrorCode(), e);
          }
        }
      }
      if (token == null) {
        result.add(new TokenInfo(id, false, "", "", "", "", false, false, 0));
      } else {
        // CK_EFFECTIVELY_INFINITE is 0 and CK_UNAVAILABLE_INFORMATION is ~0 (-1 here): both mean "no known limit".
        result.add(new TokenInfo(id, true, padded(token.label), padded(token.manufacturerID), padded(token.model),
            padded(token.serialNumber), (token.flags & CKF_TOKEN_INITIALIZED) != 0,
            (token.flags & CKF_LOGIN_REQUIRED) != 0, Math.max(0, token.ulMaxSessionCount)));
      }
    }
    return List.copyOf(result);
  }

  @Override
  public Map<Long, Long> mechanisms(long slotId) {
    Map<Long, Long> result = new HashMap<>();
    for (long m : call(() -> p11.C_GetMechanismList(slotId))) {
      result.put(m, call(() -> p11.C_GetMechanismInfo(slotId, m)).flags);
    }
    return result;
  }

  @Override
  public void initToken(long slotId, String label, char[] soPin, char[] userPin) {
    throw unsupported("initialize a token", "C_InitToken or C_InitPIN");
  }

  @Override
  public long openSession(long slotId) {
    return call(() -> p11.C_OpenSession(slotId, CKF_SERIAL_SESSION | CKF_RW_SESSION, null, null));
  }

  @Override
  public void closeSession(long session) {
    run(() -> p11.C_CloseSession(session));
  }

  @Override
  public void login(long session, long userType, char[] pin) {
    char[] wire = utf8Chars(pin);
    try {
      run(() -> p11.C_Login(session, userType, wire));
    } finally {
      Arrays.fill(wire, '\0');
    }
  }

  @Override
  public void logout(long session) {
    run(() -> p11.C_Logout(session));
  }

  @Override
  public void setPin(long session, char[] oldPin, char[] newPin) {
    throw unsupported("change a PIN", "C_SetPIN");
  }

  @Override
  public long[] findObjects(long session, List<Attr> template, int maxCount) {
    CK_ATTRIBUTE[] attrs = toCk(template);
    run(() -> p11.C_FindObjectsInit(session, attrs));
    try {
      long[] found = new long[0];
      // A token may return fewer handles per call than asked for; only an empty batch means "no more".
      while (found.length < maxCount) {
        int want = maxCount - found.length;
        long[] batch = call(() -> p11.C_FindObjects(session, want));
        if (batch == null || batch.length == 0) {
          break;
        }
        int had = found.length;
        found = Arrays.copyOf(found, had + batch.length);
        System.arraycopy(batch, 0, found, had, batch.length);
      }
      return found;
    } finally {
      run(() -> p11.C_FindObjectsFinal(session));
    }
  }

  @Override
  public Map<Long, Object> getAttributes(long session, long object, long... types) {
    Map<Long, Object> result = new LinkedHashMap<>();
    CK_ATTRIBUTE[] all = Arrays.stream(types).mapToObj(CK_ATTRIBUTE::new).toArray(CK_ATTRIBUTE[]::new);
    if (types.length == 0 || readAttributes(session, object, all)) {
      Arrays.stream(all).forEach(a -> putValue(result, a));
      return result;
    }
    // The batched call fails as a whole when one attribute is absent or sensitive; ask one at a time.
    for (long type : types) {
      CK_ATTRIBUTE[] one = {new CK_ATTRIBUTE(type)};
      if (readAttributes(session, object, one)) {
        putValue(result, one[0]);
      }
    }
    return result;
  }

  @Override
  public void setAttributes(long session, long object, List<Attr> attributes) {
    CK_ATTRIBUTE[] attrs = toCk(attributes);
    run(() -> p11.C_SetAttributeValue(session, object, attrs));
  }

  @Override
  public long createObject(long session, List<Attr> template) {
    CK_ATTRIBUTE[] attrs = toCk(template);
    return call(() -> p11.C_CreateObject(session, attrs));
  }

  @Override
  public void destroyObject(long session, long object) {
    run(() -> p11.C_DestroyObject(session, object));
  }

  @Override
  public byte[] sign(long session, Mech mechanism, long key, byte[] data) {
    return withMechanism(mechanism, m -> {
      p11.C_SignInit(session, m, key);
      return p11.C_Sign(session, data);
    });
  }

  @Override
  public byte[] encrypt(long session, Mech mechanism, long key, byte[] data, int maxOutputLength) {
    return withMechanism(mechanism, m -> {
      if (mechanism.params() instanceof Mech.Gcm) {
        // Tokens disagree on the CK_GCM_PARAMS layout (with or without ulIvBits); this call tries both.
        p11.C_GCMEncryptInitWithRetry(session, m, key, true);
      } else {
        p11.C_EncryptInit(session, m, key);
      }
      byte[] out = new byte[maxOutputLength];
      int n = singlePart(session, true, data, out);
      return n == out.length ? out : Arrays.copyOf(out, n);
    });
  }

  @Override
  public byte[] decrypt(long session, Mech mechanism, long key, byte[] data, int maxOutputLength) {
    byte[] out = new byte[maxOutputLength];
    try {
      return withMechanism(mechanism, m -> {
        if (mechanism.params() instanceof Mech.Gcm) {
          p11.C_GCMDecryptInitWithRetry(session, m, key, true);
        } else {
          p11.C_DecryptInit(session, m, key);
        }
        return Arrays.copyOf(out, singlePart(session, false, data, out));
      });
    } finally {
      // Unwrapped or decrypted key material must not linger in the oversized buffer.
      Arrays.fill(out, (byte) 0);
    }
  }

  @Override
  public long generateKey(long session, Mech mechanism, List<Attr> template) {
    CK_ATTRIBUTE[] attrs = toCk(template);
    return withMechanism(mechanism, m -> p11.C_GenerateKey(session, m, attrs));
  }

  @Override
  public long[] generateKeyPair(long session, Mech mechanism, List<Attr> publicTemplate,
      List<Attr> privateTemplate) {
    CK_ATTRIBUTE[] pub = toCk(publicTemplate);
    CK_ATTRIBUTE[] priv = toCk(privateTemplate);
    return withMechanism(mechanism, m -> p11.C_GenerateKeyPair(session, m, pub, priv));
  }

  @Override
  public byte[] wrapKey(long session, Mech mechanism, long wrappingKey, long key) {
    return withMechanism(mechanism, m -> p11.C_WrapKey(session, m, wrappingKey, key));
  }

  @Override
  public long unwrapKey(long session, Mech mechanism, long unwrappingKey, byte[] wrapped, List<Attr> template) {
    CK_ATTRIBUTE[] attrs = toCk(template);
    return withMechanism(mechanism, m -> p11.C_UnwrapKey(session, m, unwrappingKey, wrapped, attrs));
  }

  @Override
  public byte[] generateRandom(long session, int length) {
    byte[] out = new byte[length];
    run(() -> p11.C_GenerateRandom(session, out));
    return out;
  }

  @Override
  public long deriveKey(long session, Mech mechanism, long baseKey, List<Attr> template) {
    CK_ATTRIBUTE[] attrs = toCk(template);
    return withMechanism(mechanism, m -> p11.C_DeriveKey(session, m, baseKey, attrs));
  }

  @Override
  public byte[] digestKeyThenData(long session, Mech digest, long key, byte[] suffix) {
    byte[] out = new byte[MAX_DIGEST_BYTES];
    return withMechanism(digest, m -> {
      p11.C_DigestInit(session, m);
      p11.C_DigestKey(session, key);
      p11.C_DigestUpdate(session, 0, suffix, 0, suffix.length);
      return Arrays.copyOf(out, p11.C_DigestFinal(session, out, 0, out.length));
    });
  }

  @Override
  public synchronized KeyStore jcaKeyStore(long slotId, PinSource pin) {
    KeyStore cached = keyStores.get(slotId);
    if (cached != null) {
      return cached;
    }
    Provider base = Security.getProvider("SunPKCS11");
    if (base == null) {
      throw new HsmException(Reason.UNSUPPORTED_BY_BACKEND, "this JDK has no SunPKCS11 provider");
    }
    Provider provider;
    try {
      provider = base.configure("--name=p11ca-" + slotId + "\nlibrary=" + libraryPath + "\nslot=" + slotId + "\n");
    } catch (RuntimeException e) {
      throw jcaFailure("cannot configure the SunPKCS11 provider for slot " + slotId, e);
    }
    char[] pinChars = pin.read();
    // The provider hands the PIN to C_Login exactly as login() does, one byte per char.
    char[] wire = utf8Chars(pinChars);
    try {
      KeyStore keyStore = KeyStore.getInstance("PKCS11", provider);
      keyStore.load(null, wire);
      keyStores.put(slotId, keyStore);
      return keyStore;
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw jcaFailure("cannot open the PKCS11 key store of slot " + slotId + " with the PIN from "
          + pin.describe(), e);
    } finally {
      Arrays.fill(pinChars, '\0');
      Arrays.fill(wire, '\0');
    }
  }

  // ---- native calls ----

  /** False when the token reports an attribute as absent or sensitive. */
  private boolean readAttributes(long session, long object, CK_ATTRIBUTE[] attrs) {
    try {
      p11.C_GetAttributeValue(session, object, attrs);
      return true;
    } catch (PKCS11Exception e) {
      if (e.getErrorCode() == CKR_ATTRIBUTE_TYPE_INVALID || e.getErrorCode() == CKR_ATTRIBUTE_SENSITIVE) {
        return false;
      }
      throw new Pkcs11Error(e.getErrorCode(), e);
    }
  }

  private int singlePart(long session, boolean encrypt, byte[] data, byte[] out) throws PKCS11Exception {
    try {
      return encrypt ? p11.C_Encrypt(session, 0, data, 0, data.length, 0, out, 0, out.length)
          : p11.C_Decrypt(session, 0, data, 0, data.length, 0, out, 0, out.length);
    } catch (PKCS11Exception e) {
      if (e.getErrorCode() == CKR_BUFFER_TOO_SMALL) {
        // The operation stays active after CKR_BUFFER_TOO_SMALL and would make the next *Init on this pooled
        // session fail with CKR_OPERATION_ACTIVE; running it to completion is the only way to end it in 2.40.
        byte[] scratch = new byte[data.length + 8192];
        try {
          if (encrypt) {
            p11.C_Encrypt(session, 0, data, 0, data.length, 0, scratch, 0, scratch.length);
          } else {
            p11.C_Decrypt(session, 0, data, 0, data.length, 0, scratch, 0, scratch.length);
          }
        } catch (PKCS11Exception ignored) {
          // A failure ends the operation just as well.
        } finally {
          Arrays.fill(scratch, (byte) 0);
        }
      }
      throw e;
    }
  }

  @FunctionalInterface
  private interface NativeCall<T> {
    T call() throws PKCS11Exception;
  }

  @FunctionalInterface
  private interface NativeRun {
    void run() throws PKCS11Exception;
  }

  @FunctionalInterface
  private interface MechanismCall<T> {
    T call(CK_MECHANISM mechanism) throws PKCS11Exception;
  }

  private static <T> T call(NativeCall<T> c) {
    try {
      return c.call();
    } catch (PKCS11Exception e) {
      throw new Pkcs11Error(e.getErrorCode(), e);
    } catch (PKCS11RuntimeException e) {
      throw new HsmException(Reason.OPERATION_FAILED,
          "the JDK's PKCS#11 wrapper rejected the call: " + shortMessage(e), e);
    }
  }

  private static void run(NativeRun r) {
    call(() -> {
      r.run();
      return null;
    });
  }

  private static <T> T withMechanism(Mech mechanism, MechanismCall<T> c) {
    CK_MECHANISM m = toCk(mechanism);
    try {
      return call(() -> c.call(m));
    } finally {
      if (FREE_HANDLE != null) {
        try {
          FREE_HANDLE.invokeExact(m);
        } catch (Throwable e) {
          throw new HsmException(Reason.OPERATION_FAILED, "cannot free native mechanism parameters: " + e, e);
        }
      }
    }
  }

  private static MethodHandle findFreeHandle() {
    try {
      return MethodHandles.publicLookup().findVirtual(CK_MECHANISM.class, "freeHandle",
          MethodType.methodType(void.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }

  // ---- conversions ----

  private static CK_ATTRIBUTE[] toCk(List<Attr> template) {
    CK_ATTRIBUTE[] result = new CK_ATTRIBUTE[template.size()];
    for (int i = 0; i < result.length; i++) {
      long type = template.get(i).type();
      Object v = template.get(i).value();
      if (v instanceof Boolean b) {
        result[i] = new CK_ATTRIBUTE(type, b.booleanValue());
      } else if (v instanceof Long l) {
        result[i] = new CK_ATTRIBUTE(type, l.longValue());
      } else if (v instanceof BigInteger big) {
        result[i] = new CK_ATTRIBUTE(type, big);
      } else if (v instanceof String s) {
        // A String or char[] value would be narrowed to one byte per char by the native code.
        result[i] = new CK_ATTRIBUTE(type, (Object) s.getBytes(UTF_8));
      } else {
        result[i] = new CK_ATTRIBUTE(type, (Object) ((byte[]) v).clone());
      }
    }
    return result;
  }

  private static CK_MECHANISM toCk(Mech mech) {
    Mech.Params params = mech.params();
    if (params instanceof Mech.Bytes b) {
      return new CK_MECHANISM(mech.type(), b.value());
    } else if (params instanceof Mech.Gcm g) {
      return new CK_MECHANISM(mech.type(), new CK_GCM_PARAMS((int) g.tagBits(), g.iv(), g.aad()));
    } else if (params instanceof Mech.Pss p) {
      String hash = HASH_NAMES.get(p.hashMechanism());
      String mgfHash = MGF_HASH_NAMES.get(p.mgf());
      if (hash == null || mgfHash == null) {
        throw new HsmException(Reason.UNSUPPORTED_BY_BACKEND, "the sun backend cannot pass RSA-PSS parameters with "
            + Pkcs11Constants.name("CKM", p.hashMechanism()) + " and MGF 0x" + Long.toHexString(p.mgf()));
      }
      CK_MECHANISM m = new CK_MECHANISM(mech.type());
      m.setParameter(new CK_RSA_PKCS_PSS_PARAMS(hash, "MGF1", mgfHash, (int) p.saltLength()));
      return m;
    } else if (params instanceof Mech.Ecdh1Derive e) {
      return new CK_MECHANISM(mech.type(), new CK_ECDH1_DERIVE_PARAMS(e.kdf(), e.sharedData(), e.publicData()));
    } else if (params instanceof Mech.Oaep o) {
      CK_RSA_PKCS_OAEP_PARAMS oaep = new CK_RSA_PKCS_OAEP_PARAMS();
      oaep.hashAlg = o.hashMechanism();
      oaep.mgf = o.mgf();
      oaep.source = CKZ_DATA_SPECIFIED;
      CK_MECHANISM m = new CK_MECHANISM(mech.type());
      // There is no typed constructor, but the native code converts this class for CKM_RSA_PKCS_OAEP.
      m.pParameter = oaep;
      return m;
    }
    return new CK_MECHANISM(mech.type());
  }

  private static void putValue(Map<Long, Object> result, CK_ATTRIBUTE a) {
    Object v = a.pValue;
    // The native code returns null for empty values, and labels as char[] holding one UTF-8 byte per char.
    if (Attr.isText(a.type)) {
      result.put(a.type, v == null ? "" : new String(rawBytes(v), UTF_8));
    } else if (Attr.isBoolean(a.type)) {
      if (v != null) {
        result.put(a.type, v instanceof Boolean b ? b : rawBytes(v)[0] != 0);
      }
    } else if (Attr.isLong(a.type)) {
      if (v != null) {
        result.put(a.type,
            v instanceof Long l ? l : ByteBuffer.wrap(rawBytes(v)).order(ByteOrder.nativeOrder()).getLong());
      }
    } else if (Attr.isBigInteger(a.type)) {
      result.put(a.type, v == null ? BigInteger.ZERO : new BigInteger(1, rawBytes(v)));
    } else {
      result.put(a.type, v == null ? new byte[0] : rawBytes(v));
    }
  }

  private static byte[] rawBytes(Object v) {
    if (v instanceof byte[] b) {
      return b;
    } else if (v instanceof char[] c) {
      return new String(c).getBytes(ISO_8859_1);
    } else if (v instanceof Boolean b) {
      return new byte[] {(byte) (b ? 1 : 0)};
    } else if (v instanceof Long l) {
      return ByteBuffer.allocate(Long.BYTES).order(ByteOrder.nativeOrder()).putLong(l).array();
    }
    throw new HsmException(Reason.OPERATION_FAILED,
        "the JDK's PKCS#11 wrapper returned an attribute value of type " + v.getClass().getName());
  }

  /** Token info fields arrive as one UTF-8 byte per char, padded with spaces. */
  private static String padded(char[] field) {
    return field == null ? "" : new String(rawBytes(field), UTF_8).replaceAll("[ \\x00]+$", "");
  }

  /** The native code narrows each PIN char to a byte; feeding it UTF-8 bytes keeps non-ASCII PINs intact. */
  private static char[] utf8Chars(char[] pin) {
    ByteBuffer encoded = UTF_8.encode(CharBuffer.wrap(pin));
    char[] wire = new char[encoded.remaining()];
    for (int i = 0; i < wire.length; i++) {
      wire[i] = (char) (encoded.get(i) & 0xFF);
    }
    Arrays.fill(encoded.array(), (byte) 0);
    return wire;
  }

  // ---- errors ----

  private static HsmException unsupported(String what, String function) {
    return new HsmException(Reason.UNSUPPORTED_BY_BACKEND, "the sun backend cannot " + what
        + " (the JDK's PKCS#11 wrapper has no " + function + "); use the iaik backend");
  }

  private static HsmException jcaFailure(String message, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PKCS11Exception p) {
        long code = p.getErrorCode();
        Reason reason = code == CKR_PIN_INCORRECT ? Reason.PIN_INCORRECT
            : code == CKR_PIN_LOCKED ? Reason.PIN_LOCKED
            : code == CKR_SLOT_ID_INVALID ? Reason.SLOT_NOT_FOUND
            : code == CKR_TOKEN_NOT_PRESENT ? Reason.TOKEN_NOT_FOUND
            : Reason.OPERATION_FAILED;
        return new HsmException(reason, message + ": " + Pkcs11Constants.name("CKR", code), e);
      }
    }
    return new HsmException(Reason.OPERATION_FAILED, message + ": " + shortMessage(e), e);
  }

  private static String shortMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    if (m == null || m.isBlank()) {
      return root.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).trim();
  }
}
