package org.p11ca.hsm.pkcs11;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.HsmException.Reason;
import org.p11ca.hsm.PinSource;
import org.p11ca.hsm.SlotSelector;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.TokenConfig;
import org.p11ca.hsm.TokenInfo;
import org.p11ca.hsm.pkcs11.iaik.IaikBinding;
import org.p11ca.hsm.pkcs11.sun.SunBinding;

/**
 * A PKCS#11 library loaded through one backend: lists slots, initializes tokens and opens them. A native library is
 * initialized once per JVM and never finalized, since other tokens (or the other backend) may share it.
 */
public final class Pkcs11Library {

  private static final Map<String, Pkcs11Binding> LOADED = new ConcurrentHashMap<>();

  private final Path path;
  private final Backend backend;
  private final Pkcs11Binding binding;

  private Pkcs11Library(Path path, Backend backend, Pkcs11Binding binding) {
    this.path = path;
    this.backend = backend;
    this.binding = binding;
  }

  public static Pkcs11Library load(Path library, Backend backend) {
    Path absolute = library.toAbsolutePath().normalize();
    if (!Files.isRegularFile(absolute)) {
      throw new HsmException(Reason.LIBRARY_NOT_FOUND, "PKCS#11 library " + library + " not found");
    }
    Pkcs11Binding binding = LOADED.computeIfAbsent(backend + ":" + absolute, k -> switch (backend) {
      case SUN -> new SunBinding(absolute);
      case IAIK -> new IaikBinding(absolute);
    });
    return new Pkcs11Library(absolute, backend, binding);
  }

  /** Opens the token a configuration names and logs in. */
  public static Token open(TokenConfig config) {
    return load(config.library(), config.backend()).openToken(config);
  }

  /** For tests in this package that disturb the token below the pool. */
  Pkcs11Binding binding() {
    return binding;
  }

  public Path path() {
    return path;
  }

  public Backend backend() {
    return backend;
  }

  /** Every slot, with or without a token. */
  public List<TokenInfo> slots() {
    return binding.slots(false);
  }

  public TokenInfo resolve(SlotSelector selector) {
    List<TokenInfo> slots;
    try {
      slots = binding.slots(selector instanceof SlotSelector.ByTokenLabel);
    } catch (Pkcs11Error e) {
      throw ErrorMapping.toHsm(e, "listing slots", path.toString());
    }
    if (selector instanceof SlotSelector.ById byId) {
      return slots.stream().filter(s -> s.slotId() == byId.slotId()).findFirst()
          .orElseThrow(() -> new HsmException(Reason.SLOT_NOT_FOUND,
              "no slot with id " + byId.slotId() + " in " + path));
    }
    String label = ((SlotSelector.ByTokenLabel) selector).label();
    List<TokenInfo> matches = slots.stream().filter(s -> s.tokenPresent() && s.label().equals(label)).toList();
    if (matches.isEmpty()) {
      throw new HsmException(Reason.TOKEN_NOT_FOUND, "no token labelled '" + label + "' in " + path);
    }
    if (matches.size() > 1) {
      throw new HsmException(Reason.TOKEN_NOT_FOUND,
          matches.size() + " tokens are labelled '" + label + "' in " + path + ": select one by slot id");
    }
    return matches.get(0);
  }

  public Token openToken(TokenConfig config) {
    TokenInfo info = resolve(config.slot());
    if (!info.tokenPresent()) {
      throw new HsmException(Reason.TOKEN_NOT_FOUND, "slot " + info.slotId() + " in " + path + " has no token");
    }
    if (!info.initialized()) {
      throw new HsmException(Reason.TOKEN_NOT_INITIALIZED,
          "the token in slot " + info.slotId() + " is not initialized");
    }
    try {
      return new Pkcs11Token(binding, backend, info, config);
    } catch (Pkcs11Error e) {
      throw ErrorMapping.toHsm(e, "opening", info.label());
    }
  }

  /**
   * Initializes the token in a slot (erasing it) and sets its user PIN. For SoftHSM, pick the slot whose token is
   * not initialized: it is re-numbered afterwards, so find it again by label.
   */
  public TokenInfo initToken(long slotId, String label, PinSource soPin, PinSource userPin) {
    if (label.isEmpty() || label.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 32) {
      throw new IllegalArgumentException("a token label is 1 to 32 bytes");
    }
    char[] so = soPin.read();
    char[] user = userPin.read();
    try {
      binding.initToken(slotId, label, so, user);
    } catch (Pkcs11Error e) {
      throw ErrorMapping.toHsm(e, "initializing slot " + slotId, label);
    } finally {
      Arrays.fill(so, '\0');
      Arrays.fill(user, '\0');
    }
    return resolve(SlotSelector.tokenLabel(label));
  }

  /** The first slot with a present but uninitialized token, as SoftHSM keeps one free. */
  public java.util.Optional<TokenInfo> firstUninitializedSlot() {
    return binding.slots(true).stream().filter(s -> !s.initialized()).findFirst();
  }
}
