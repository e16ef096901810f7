package org.p11ca.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A PKCS#12 file holding one key entry: a subscriber's request key, or a signer / TLS client key with its
 * certificate chain. Read with the JDK's PKCS12 KeyStore, which opens pk12util's and openssl's PBES2 files.
 */
final class Pkcs12File {
  private Pkcs12File() {
  }

  /** A key with its certificate chain, end-entity first. */
  record KeyEntry(String alias, PrivateKey key, List<X509Certificate> chain) {
    X509Certificate certificate() {
      return chain.get(0);
    }
  }

  /**
   * The key entry named {@code alias} (case-insensitive, as the JDK lower-cases friendly names), or the only key
   * entry when no alias is given.
   */
  static KeyEntry readKey(Path file, char[] password, Optional<String> alias) {
    KeyStore store = load(file, password);
    try {
      List<String> keys = new ArrayList<>();
      for (String a : Collections.list(store.aliases())) {
        if (store.isKeyEntry(a)) {
          keys.add(a);
        }
      }
      String chosen = choose(file, keys, alias);
      PrivateKey key = (PrivateKey) store.getKey(chosen, password);
      Certificate[] chain = store.getCertificateChain(chosen);
      if (chain == null || chain.length == 0) {
        throw new CmcToolException("key '" + chosen + "' in " + file + " has no certificate");
      }
      List<X509Certificate> certs = new ArrayList<>();
      for (Certificate c : chain) {
        certs.add((X509Certificate) c);
      }
      return new KeyEntry(chosen, key, List.copyOf(certs));
    } catch (UnrecoverableKeyException e) {
      throw new CmcToolException("cannot open the key in " + file + ": wrong password");
    } catch (GeneralSecurityException e) {
      throw new CmcToolException("cannot read the key in " + file + ": " + e.getMessage());
    }
  }

  private static String choose(Path file, List<String> keys, Optional<String> alias) {
    if (alias.isPresent()) {
      String wanted = alias.get().toLowerCase(Locale.ROOT);
      return keys.stream().filter(k -> k.toLowerCase(Locale.ROOT).equals(wanted)).findFirst().orElseThrow(
          () -> new CmcToolException(file + " has no key named '" + alias.get() + "' (it has " + keys + ")"));
    }
    if (keys.size() != 1) {
      throw new CmcToolException(file + " holds " + keys.size() + " keys " + keys
          + ": name one with --p12-alias");
    }
    return keys.get(0);
  }

  private static KeyStore load(Path file, char[] password) {
    byte[] bytes = LocalFiles.read(file, "PKCS#12 file");
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(new ByteArrayInputStream(bytes), password);
      return store;
    } catch (IOException e) {
      // The JDK signals a failed MAC check, i.e. a wrong password, as an IOException caused by
      // UnrecoverableKeyException; anything else means the file is not a PKCS#12 we can read.
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw new CmcToolException("cannot open PKCS#12 file " + file + ": wrong password, or the file was"
            + " altered (its integrity check failed)");
      }
      throw new CmcToolException("cannot open PKCS#12 file " + file + ": not a readable PKCS#12 file ("
          + e.getMessage() + ")");
    } catch (GeneralSecurityException e) {
      throw new CmcToolException("cannot open PKCS#12 file " + file + ": " + e.getMessage());
    } catch (RuntimeException e) {
      // The JDK's PKCS#12 reader fails on some malformed files with unchecked exceptions (a PFX without authSafe
      // content is a NullPointerException in JDK 17).
      throw new CmcToolException("cannot open PKCS#12 file " + file + ": not a readable PKCS#12 file ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  /** Writes a new owner-only file with one key entry; an existing file is never overwritten. */
  static void writeNew(Path file, String alias, PrivateKey key, List<X509Certificate> chain, char[] password) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(alias, key, password, chain.toArray(X509Certificate[]::new));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      store.store(out, password);
      LocalFiles.writeNewSecret(file, out.toByteArray(), "PKCS#12 file");
    } catch (IOException | GeneralSecurityException e) {
      throw new CmcToolException("cannot encode PKCS#12 file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Replaces the certificate chain of the key entry {@code alias} (e.g. the stand-in certificate a new file holds)
   * and rewrites the file in place: written beside it owner-only, then moved over it, so a failure leaves the old
   * file whole.
   */
  static void replaceChain(Path file, char[] password, String alias, PrivateKey key, List<X509Certificate> chain) {
    try {
      KeyStore store = load(file, password);
      store.setKeyEntry(alias, key, password, chain.toArray(X509Certificate[]::new));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      store.store(out, password);
      Path dir = file.toAbsolutePath().getParent();
      Path temp = dir.resolve("." + file.getFileName() + ".new");
      java.nio.file.Files.deleteIfExists(temp);
      LocalFiles.writeNewSecret(temp, out.toByteArray(), "PKCS#12 file");
      java.nio.file.Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | GeneralSecurityException e) {
      throw new CmcToolException("cannot rewrite PKCS#12 file " + file + ": " + e.getMessage(), e);
    }
  }
}
