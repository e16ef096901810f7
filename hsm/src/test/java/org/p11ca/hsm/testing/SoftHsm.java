package org.p11ca.hsm.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.PinSource;
import org.p11ca.hsm.SlotSelector;
import org.p11ca.hsm.TokenConfig;
import org.p11ca.hsm.TokenInfo;
import org.p11ca.hsm.pkcs11.Pkcs11Library;

/**
 * Fresh SoftHSM2 tokens for tests. SoftHSM reads SOFTHSM2_CONF once, when the library is first initialized in the
 * JVM, so the build points it at a file under target/ (see the surefire configuration) and this class writes that
 * file and its token directory before anything loads the library. The system token directory is never touched.
 */
public final class SoftHsm {

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static boolean prepared;

  private SoftHsm() {
  }

  /** A token made for one test class, with random PINs that only this process knows. */
  public record TestToken(String label, long slotId, char[] userPin, char[] soPin) {
    public TokenConfig config(Backend backend) {
      return TokenConfig.of(library(), SlotSelector.tokenLabel(label), PinSource.ofValue(userPin), backend);
    }
  }

  public static Path library() {
    String override = System.getenv("P11CA_SOFTHSM_LIBRARY");
    Path lib = Path.of(override != null ? override : "/usr/lib/softhsm/libsofthsm2.so");
    if (!Files.isRegularFile(lib)) {
      throw new IllegalStateException("SoftHSM2 library " + lib + " missing: run scripts/install-deps.sh");
    }
    return lib;
  }

  public static synchronized Path conf() {
    String conf = System.getenv("SOFTHSM2_CONF");
    if (conf == null || conf.isBlank()) {
      throw new IllegalStateException("SOFTHSM2_CONF is not set: run the tests through Maven, which points it at"
          + " target/softhsm/softhsm2.conf");
    }
    Path confPath = Path.of(conf);
    if (!prepared) {
      Path tokens = confPath.resolveSibling("tokens");
      try {
        Files.createDirectories(tokens);
        Files.writeString(confPath, "directories.tokendir = " + tokens.toAbsolutePath() + "\n"
            + "objectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
      } catch (IOException e) {
        throw new IllegalStateException("cannot write " + confPath, e);
      }
      prepared = true;
    }
    return confPath;
  }

  /** Initializes a new token in SoftHSM's free slot (through the iaik backend, the one with C_InitToken). */
  public static synchronized TestToken createToken(String purpose) {
    conf();
    String label = (purpose + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet());
    if (label.length() > 32) {
      label = label.substring(label.length() - 32);
    }
    char[] userPin = randomPin();
    char[] soPin = randomPin();
    Pkcs11Library lib = Pkcs11Library.load(library(), Backend.IAIK);
    TokenInfo free = lib.firstUninitializedSlot()
        .orElseThrow(() -> new IllegalStateException("SoftHSM offers no free slot"));
    TokenInfo created = lib.initToken(free.slotId(), label, PinSource.ofValue(soPin), PinSource.ofValue(userPin));
    return new TestToken(label, created.slotId(), userPin, soPin);
  }

  public static char[] randomPin() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b).toCharArray();
  }
}
