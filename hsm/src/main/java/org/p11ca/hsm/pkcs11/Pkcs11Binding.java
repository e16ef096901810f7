package org.p11ca.hsm.pkcs11;

import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import org.p11ca.hsm.PinSource;
import org.p11ca.hsm.TokenInfo;

/**
 * The calls into a PKCS#11 library that the token layer needs, in binding-neutral types. The two implementations
 * (the JDK's SunPKCS11 wrapper and the IAIK wrapper) are the only classes that import a PKCS#11 binding. Methods
 * throw {@link Pkcs11Error} for CKR_ codes and {@link org.p11ca.hsm.HsmException} (UNSUPPORTED_BY_BACKEND) for what
 * the binding cannot express.
 */
public interface Pkcs11Binding {

  String backendName();

  List<TokenInfo> slots(boolean tokenPresent);

  /** Every mechanism the token offers, with its CK_MECHANISM_INFO flags (CKF_WRAP, CKF_ENCRYPT, ...). */
  Map<Long, Long> mechanisms(long slotId);

  /** C_InitToken on a slot, then C_InitPIN as SO: a fresh token with a user PIN. */
  void initToken(long slotId, String label, char[] soPin, char[] userPin);

  long openSession(long slotId);

  void closeSession(long session);

  void login(long session, long userType, char[] pin);

  void logout(long session);

  void setPin(long session, char[] oldPin, char[] newPin);

  long[] findObjects(long session, List<Attr> template, int maxCount);

  /** Attributes the object does not have (or hides) are absent from the map; values typed as in {@link Attr}. */
  Map<Long, Object> getAttributes(long session, long object, long... types);

  void setAttributes(long session, long object, List<Attr> attributes);

  long createObject(long session, List<Attr> template);

  void destroyObject(long session, long object);

  byte[] sign(long session, Mech mechanism, long key, byte[] data);

  byte[] encrypt(long session, Mech mechanism, long key, byte[] data, int maxOutputLength);

  byte[] decrypt(long session, Mech mechanism, long key, byte[] data, int maxOutputLength);

  long generateKey(long session, Mech mechanism, List<Attr> template);

  /** Returns {public key handle, private key handle}. */
  long[] generateKeyPair(long session, Mech mechanism, List<Attr> publicTemplate, List<Attr> privateTemplate);

  byte[] wrapKey(long session, Mech mechanism, long wrappingKey, long key);

  long unwrapKey(long session, Mech mechanism, long unwrappingKey, byte[] wrapped, List<Attr> template);

  byte[] generateRandom(long session, int length);

  long deriveKey(long session, Mech mechanism, long baseKey, List<Attr> template);

  /**
   * C_DigestInit, C_DigestKey, C_DigestUpdate with {@code suffix}, C_DigestFinal: the hash of a secret key's value
   * followed by data, computed without the key leaving the token.
   */
  byte[] digestKeyThenData(long session, Mech digest, long key, byte[] suffix);

  /** A JCA view of the same token for TLS; backends without a JCA provider throw UNSUPPORTED_BY_BACKEND. */
  KeyStore jcaKeyStore(long slotId, PinSource pin);
}
