package org.p11ca.hsm.pkcs11.iaik;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.HsmException.Reason;
import org.p11ca.hsm.PinSource;
import org.p11ca.hsm.TokenInfo;
import org.p11ca.hsm.pkcs11.Attr;
import org.p11ca.hsm.pkcs11.Mech;
import org.p11ca.hsm.pkcs11.Pkcs11Binding;
import org.p11ca.hsm.pkcs11.Pkcs11Constants;
import org.p11ca.hsm.pkcs11.Pkcs11Error;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.KeyPairTemplate;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Slot;
import org.xipki.pkcs11.wrapper.Token;
import org.xipki.pkcs11.wrapper.params.ByteArrayParams;
import org.xipki.pkcs11.wrapper.params.CkParams;
import org.xipki.pkcs11.wrapper.params.ECDH1_DERIVE_PARAMS;
import org.xipki.pkcs11.wrapper.params.GCM_PARAMS;
import org.xipki.pkcs11.wrapper.params.RSA_PKCS_OAEP_PARAMS;
import org.xipki.pkcs11.wrapper.params.RSA_PKCS_PSS_PARAMS;

/**
 * The binding over the IAIK PKCS#11 wrapper (org.xipki:ipkcs11wrapper, which ships its own JNI part). It carries
 * every mechanism parameter the core uses, including RSA-OAEP, and can initialize tokens and change PINs.
 */
public final class IaikBinding implements Pkcs11Binding {

  private final Path library;
  /** Held for the JVM's life: the wrapper calls C_Finalize when its module object is garbage collected. */
  private final PKCS11Module module;
  private final Map<Long, Slot> slots = new ConcurrentHashMap<>();
  private final Map<Long, Session> sessions = new ConcurrentHashMap<>();

  static {
    org.xipki.pkcs11.wrapper.StaticLogger.setLogger(new IaikLogBridge());
  }

  public IaikBinding(Path library) {
    this.library = library;
    try {
      module = PKCS11Module.getInstance(library.toString());
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      throw new HsmException(Reason.LIBRARY_LOAD_FAILED,
          "cannot load PKCS#11 library " + library + ": " + e.getMessage(), e);
    }
    try {
      module.initialize();
    } catch (PKCS11Exception e) {
      if (e.getErrorCode() != Pkcs11Constants.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        throw new HsmException(Reason.LIBRARY_LOAD_FAILED, "cannot initialize PKCS#11 library " + library + ": "
            + Pkcs11Constants.name("CKR", e.getErrorCode()), e);
      }
    }
  }

  private static Pkcs11Error error(PKCS11Exception e) {
    return new Pkcs11Error(e.getErrorCode(), e);
  }

  @Override
  public String backendName() {
    return "iaik";
  }

  @Override
  public List<TokenInfo> slots(boolean tokenPresent) {
    try {
      List<TokenInfo> result = new ArrayList<>();
      for (Slot slot : module.getSlotList(tokenPresent)) {
        slots.put(slot.getSlotID(), slot);
        boolean present = slot.getSlotInfo().isTokenPresent();
        if (!present) {
          result.add(new TokenInfo(slot.getSlotID(), false, "", "", "", "", false, false, 0));
          continue;
        }
        org.xipki.pkcs11.wrapper.TokenInfo t = slot.getToken().getTokenInfo();
        long max = t.getMaxSessionCount();
        // CK_EFFECTIVELY_INFINITE (0) and CK_UNAVAILABLE_INFORMATION (~0) both mean "no limit we can use".
        long usableMax = max == -1L || max < 0 ? 0 : max;
        result.add(new TokenInfo(slot.getSlotID(), true, trim(t.getLabel()), trim(t.getManufacturerID()),
            trim(t.getModel()), trim(t.getSerialNumber()), t.isTokenInitialized(), t.isLoginRequired(), usableMax));
      }
      return result;
    } catch (PKCS11Exception e) {
      throw error(e);
    }
  }

  private static String trim(String s) {
    return s == null ? "" : s.strip();
  }

  private Token token(long slotId) {
    Slot slot = slots.get(slotId);
    if (slot == null) {
      slots(false);
      slot = slots.get(slotId);
    }
    if (slot == null) {
      throw new Pkcs11Error(Pkcs11Constants.CKR_SLOT_ID_INVALID, null);
    }
    return slot.getToken();
  }

  @Override
  public Map<Long, Long> mechanisms(long slotId) {
    Map<Long, Long> result = new HashMap<>();
    try {
      // The raw call: the wrapper's own MechanismInfo view merges in flags the token did not report (it said
      // CKF_WRAP for SoftHSM's CKM_AES_CBC_PAD, which SoftHSM then refuses to wrap with).
      for (long m : module.getPKCS11Module().C_GetMechanismList(slotId)) {
        result.put(m, module.getPKCS11Module().C_GetMechanismInfo(slotId, m).flags);
      }
    } catch (iaik.pkcs.pkcs11.wrapper.PKCS11Exception e) {
      throw new Pkcs11Error(e.getErrorCode(), e);
    }
    return result;
  }

  @Override
  public void initToken(long slotId, String label, char[] soPin, char[] userPin) {
    try {
      // CK_TOKEN_INFO labels are exactly 32 bytes, blank padded; the wrapper copies what it is given, so a short
      // label would pick up whatever bytes follow it.
      int padding = 32 - label.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      module.getPKCS11Module().C_InitToken(slotId, soPin, (label + " ".repeat(padding)).toCharArray(), true);
    } catch (iaik.pkcs.pkcs11.wrapper.PKCS11Exception e) {
      throw new Pkcs11Error(e.getErrorCode(), e);
    }
    slots.clear();
    // SoftHSM moves a freshly initialized token to a new slot id; find it by label before setting the user PIN.
    long newSlot = slots(true).stream().filter(s -> s.initialized() && s.label().equals(label))
        .mapToLong(TokenInfo::slotId).findFirst().orElse(slotId);
    long session = openSession(newSlot);
    try {
      login(session, Pkcs11Constants.CKU_SO, soPin);
      sessions.get(session).initPIN(userPin);
      logout(session);
    } catch (PKCS11Exception e) {
      throw error(e);
    } finally {
      closeSession(session);
    }
  }

  @Override
  public long openSession(long slotId) {
    try {
      Session s = token(slotId).openSession(true);
      sessions.put(s.getSessionHandle(), s);
      return s.getSessionHandle();
    } catch (PKCS11Exception e) {
      throw error(e);
    }
  }

  private Session session(long handle) {
    Session s = sessions.get(handle);
    if (s == null) {
      throw new Pkcs11Error(Pkcs11Constants.CKR_SESSION_HANDLE_INVALID, null);
    }
    return s;
  }

  @Override
  public void closeSession(long session) {
    Session s = sessions.remove(session);
    try {
      if (s != null) {
        s.closeSession();
      } else {
        // Session handles are process-wide: one opened through the other binding is closed all the same.
        module.getPKCS11Module().C_CloseSession(session);
      }
    } catch (PKCS11Exception e) {
      throw error(e);
    } catch (iaik.pkcs.pkcs11.wrapper.PKCS11Exception e) {
      throw new Pkcs11Error(e.getErrorCode(), e);
    }
  }

  @Override
  public void login(long session, long userType, char[] pin) {
    try {
      session(session).login(userType, pin);
    } catch (PKCS11Exception e) {
      throw error(e);
    }
  }

  @Override
  public void logout(long session) {
    try {
      session(session).logout();
    } catch (PKCS11Exception e) {
      throw error(e);
    }
  }

  @Override
  public void setPin(long session, char[] oldPin, char[] newPin) {
    try {
      session(session).setPIN(oldPin, newPin);
    } catch (PKCS11Exception e) {
      throw error(e);
    }
  }

  @Override
  public long[] findObjects(long session, List<Attr> template, int maxCount) {
    try {
      return session(session).findObjectsSingle(vector(template), maxCount);
    } catch (PKCS11Exception e) {
      throw error(e);
    }
  }

  @Override
  public Map<Long, Object> getAttributes(long session, long object, long... types) {
    Session s = session(session);
    AttributeVector values;
    try {
      values = s.getAttrValues(object, types);
    } catch (PKCS11Exception e) {
      throw error(e);
    }
    Map<Long, Object> result = new HashMap<>();
    for (long type : types) {
      Object v = value(values, type);
      if (v != null) {
        result.put(type, v);
      }
    }
    return result;
  }

  private static Object value(AttributeVector values, long type) {
    if (Attr.isBoolean(type)) {
      return values.getBooleanAttrValue(type);
    } else if (Attr.isLong(type)) {
      return values.getLongAttrValue(type);
    } else if (Attr.isText(type)) {
      return values.getStringAttrValue(type);
    } else if (type == Pkcs11Constants.CKA_MODULUS) {
      return values.modulus();
    } else if (type == Pkcs11Constants.CKA_PUBLIC_EXPONENT) {
      return values.publicExponent();
    }
    return values.getByteArrayAttrValue(type);
  }

  @Override
  public void setAttributes(long session, long object, List<Attr> attributes) {
    try {
      session(session).setAttributeValues(object, vector(attributes));
    } catch (PKCS11Exception e) {
      throw error(e);
    }
  }

  @Override
  public long createObject(long session, List<Attr> template) {
    try {
      return session(session).createObject(vector(template));
    } catch (PKCS11Exception e) {
      throw error(e);
    }
  }

  @Override
  public void destroyObject(long session, long object) {
    try {
      session(session).destroyObject(object);
    } catch (PKCS11Exception e) {
      throw error(e);
    }
  }

  @Override
  public byte[] sign(long session, Mech mechanism, long key, byte[] data) {
    try {
      return session(session).signSingle(mechanism(mechanism), key, data);
    } catch (PKCS11Exception e) {
      throw error(e);
    }
  }

  @Override
  public byte[] encrypt(long session, Mech mechanism, long key, byte[] data, int maxOutputLength) {
    try {
      return session(session).encryptSingle(mechanism(mechanism), key, data);
    } catch (PKCS11Exception e) {
      throw error(e);
    }
  }

  @Override
  public byte[] decrypt(long session, Mech mechanism, long key, byte[] data, int maxOutputLength) {
    try {
      return session(session).decryptSingle(mechanism(mechanism), key, data);
    } catch (PKCS11Exception e) {
      throw error(e);
    }
  }

  @Override
  public long generateKey(long session, Mech mechanism, List<Attr> template) {
    try {
      return session(session).generateKey(mechanism(mechanism), vector(template));
    } catch (PKCS11Exception e) {
      throw error(e);
    }
  }

  @Override
  public long[] generateKeyPair(long session, Mech mechanism, List<Attr> publicTemplate,
      List<Attr> privateTemplate) {
    try {
      var pair = session(session).generateKeyPair(mechanism(mechanism),
          new KeyPairTemplate(vector(privateTemplate), vector(publicTemplate)));
      return new long[] {pair.getPublicKey(), pair.getPrivateKey()};
    } catch (PKCS11Exception e) {
      throw error(e);
    }
  }

  @Override
  public byte[] wrapKey(long session, Mech mechanism, long wrappingKey, long key) {
    try {
      return session(session).wrapKey(mechanism(mechanism), wrappingKey, key);
    } catch (PKCS11Exception e) {
      throw error(e);
    }
  }

  @Override
  public long unwrapKey(long session, Mech mechanism, long unwrappingKey, byte[] wrapped, List<Attr> template) {
    try {
      return session(session).unwrapKey(mechanism(mechanism), unwrappingKey, wrapped, vector(template));
    } catch (PKCS11Exception e) {
      throw error(e);
    }
  }

  @Override
  public long deriveKey(long session, Mech mechanism, long baseKey, List<Attr> template) {
    try {
      return session(session).deriveKey(mechanism(mechanism), baseKey, vector(template));
    } catch (PKCS11Exception e) {
      throw error(e);
    }
  }

  @Override
  public byte[] digestKeyThenData(long session, Mech digest, long key, byte[] suffix) {
    try {
      Session s = session(session);
      s.digestInit(mechanism(digest));
      s.digestKey(key);
      s.digestUpdate(suffix);
      return s.digestFinal();
    } catch (PKCS11Exception e) {
      throw error(e);
    }
  }

  @Override
  public byte[] generateRandom(long session, int length) {
    try {
      return session(session).generateRandom(length);
    } catch (PKCS11Exception e) {
      throw error(e);
    }
  }

  @Override
  public KeyStore jcaKeyStore(long slotId, PinSource pin) {
    throw new HsmException(Reason.UNSUPPORTED_BY_BACKEND,
        "the iaik backend has no JCA provider, so no KeyStore: open the token with the sun backend for TLS");
  }

  private static AttributeVector vector(List<Attr> attrs) {
    AttributeVector v = new AttributeVector();
    for (Attr a : attrs) {
      v.attr(a.type(), a.value());
    }
    return v;
  }

  private Mechanism mechanism(Mech m) {
    CkParams params = params(m.params());
    Mechanism mech = params == null ? new Mechanism(m.type()) : new Mechanism(m.type(), params);
    mech.setModule(module);
    return mech;
  }

  private static CkParams params(Mech.Params p) {
    if (p instanceof Mech.Bytes b) {
      return new ByteArrayParams(b.value());
    } else if (p instanceof Mech.Gcm g) {
      return new GCM_PARAMS(g.iv(), g.aad(), (int) g.tagBits());
    } else if (p instanceof Mech.Pss pss) {
      return new RSA_PKCS_PSS_PARAMS(pss.hashMechanism(), pss.mgf(), (int) pss.saltLength());
    } else if (p instanceof Mech.Oaep oaep) {
      return new RSA_PKCS_OAEP_PARAMS(oaep.hashMechanism(), oaep.mgf());
    } else if (p instanceof Mech.Ecdh1Derive e) {
      return new ECDH1_DERIVE_PARAMS(e.kdf(), e.sharedData(), e.publicData());
    }
    return null;
  }

  @Override
  public String toString() {
    return "iaik binding for " + library;
  }
}
