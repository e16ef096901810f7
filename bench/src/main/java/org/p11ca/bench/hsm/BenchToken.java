package org.p11ca.bench.hsm;

import java.nio.file.Path;
import java.security.SecureRandom;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.PinSource;
import org.p11ca.hsm.SlotSelector;
import org.p11ca.hsm.TokenConfig;
import org.p11ca.hsm.TokenInfo;
import org.p11ca.hsm.pkcs11.Pkcs11Library;

/**
 * A SoftHSM token this run initialized for itself, in SoftHSM's free slot, with random PINs that exist only in this
 * process's memory: nothing to leak into a file, an argument list or the output.
 */
public final class BenchToken {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

  private final Path library;
  private final String label;
  private final PinSource userPin;

  private BenchToken(Path library, String label, PinSource userPin) {
    this.library = library;
    this.label = label;
    this.userPin = userPin;
  }

  /** Initializes through the iaik backend, the one that has C_InitToken and C_InitPIN. */
  public static BenchToken initialize(Path library, String label) {
    Pkcs11Library pkcs11 = Pkcs11Library.load(library, Backend.IAIK);
    TokenInfo free = pkcs11.firstUninitializedSlot().orElseThrow(() -> new HsmException(
        HsmException.Reason.SLOT_NOT_FOUND, "the PKCS#11 library " + library + " offers no uninitialized slot"));
    PinSource user = PinSource.ofValue(randomPin());
    pkcs11.initToken(free.slotId(), label, PinSource.ofValue(randomPin()), user);
    return new BenchToken(library, label, user);
  }

  public String label() {
    return label;
  }

  public TokenConfig config(Backend backend, int sessionPoolSize) {
    return TokenConfig.of(library, SlotSelector.tokenLabel(label), userPin, backend).withPoolSize(sessionPoolSize);
  }

  /**
   * The user PIN, for a child process this run starts (bench cmc's server) through its environment: never a file,
   * never an argument list.
   */
  public char[] userPin() {
    return userPin.read();
  }

  /** The same token with a PIN that is certainly wrong: to check whether a login really happens. */
  TokenConfig configWithWrongPin(Backend backend) {
    char[] wrong = userPin.read();
    wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
    return TokenConfig.of(library, SlotSelector.tokenLabel(label), PinSource.ofValue(wrong), backend)
        .withPoolSize(1);
  }

  private static char[] randomPin() {
    char[] pin = new char[24];
    for (int i = 0; i < pin.length; i++) {
      pin[i] = PIN_ALPHABET.charAt(RANDOM.nextInt(PIN_ALPHABET.length()));
    }
    return pin;
  }
}
