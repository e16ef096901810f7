package org.p11ca.ca.secret;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.bouncycastle.asn1.x500.X500Name;
import org.p11ca.ca.audit.AuditEvent;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.cmc.DistinguishedNames;
import org.p11ca.ca.repository.NewSharedSecret;
import org.p11ca.ca.repository.SharedSecretRecord;
import org.p11ca.ca.repository.SharedSecretStore;
import org.p11ca.hsm.Token;

/**
 * The operator's side of shared secrets (what Dogtag's CMCSharedToken does): create one for an identification and
 * hand it back once for delivery to the subscriber, revoke one, list them. Each change is audited as
 * CONFIG_SHARED_SECRET, never with the secret.
 */
public final class SharedSecretAdministration {

  /** RFC 5272 section 6.2.1 asks servers to support at least 16 characters; generated ones have 24 (120 bits). */
  public static final int MIN_SECRET_CHARS = 16;
  private static final int GENERATED_CHARS = 24;
  /** Crockford's base32: no 0/O or 1/I/L to misread when the secret is read out or typed. */
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final int MAX_IDENTIFICATION_CHARS = 256;

  private final SharedSecretStore store;
  private final SharedSecretVault vault;
  private final Token random;
  private final SharedSecretPolicy policy;
  private final AuditLog audit;
  private final Clock clock;

  public SharedSecretAdministration(SharedSecretStore store, SharedSecretVault vault, Token random,
      SharedSecretPolicy policy, AuditLog audit, Clock clock) {
    this.store = Objects.requireNonNull(store);
    this.vault = Objects.requireNonNull(vault);
    this.random = Objects.requireNonNull(random);
    this.policy = Objects.requireNonNull(policy);
    this.audit = Objects.requireNonNull(audit);
    this.clock = Objects.requireNonNull(clock);
  }

  /** What the operator asks for. {@code secret}, when given, is the operator's own (UTF-8); empty: generate one. */
  public record Request(String identification, Optional<X500Name> subject, Optional<Duration> lifetime,
      OptionalInt maxUses, Optional<char[]> secret) {
    public Request {
      Objects.requireNonNull(identification);
      Objects.requireNonNull(subject);
      Objects.requireNonNull(lifetime);
      Objects.requireNonNull(maxUses);
      Objects.requireNonNull(secret);
    }
  }

  /** The stored record and the secret in clear, to show once; the caller clears {@code secret}. */
  public record Created(SharedSecretRecord record, char[] secret, boolean replacedAnother) {
  }

  /** @throws IllegalArgumentException with the reason when the request breaks the policy */
  public Created create(Request request, String operator) {
    String identification = request.identification().strip();
    if (identification.isEmpty() || identification.length() > MAX_IDENTIFICATION_CHARS
        || !identification.equals(request.identification())) {
      throw new IllegalArgumentException("the identification must be 1 to " + MAX_IDENTIFICATION_CHARS
          + " characters without leading or trailing spaces");
    }
    Duration lifetime = request.lifetime().orElse(policy.defaultLifetime());
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(policy.maxLifetime()) > 0) {
      throw new IllegalArgumentException("the lifetime must be positive and at most " + policy.maxLifetime());
    }
    if (request.maxUses().isPresent() && request.maxUses().getAsInt() < 1) {
      throw new IllegalArgumentException("--max-uses must be at least 1");
    }
    char[] secret = request.secret().map(char[]::clone).orElseGet(this::generate);
    byte[] utf8 = null;
    try {
      if (secret.length < MIN_SECRET_CHARS) {
        throw new IllegalArgumentException("a shared secret needs at least " + MIN_SECRET_CHARS
            + " characters (RFC 5272 section 6.2.1)");
      }
      utf8 = utf8(secret);
      SharedSecretVault.Sealed sealed = vault.seal(identification, utf8);
      Instant now = clock.instant();
      Optional<String> subject = request.subject().map(DistinguishedNames::rfc4514);
      SharedSecretStore.Created created = store.create(new NewSharedSecret(identification, subject,
          request.maxUses(), sealed.ciphertext(), sealed.iv(), vault.keyName(), operator, now, now.plus(lifetime)));
      audit.append(new AuditEvent.ConfigSharedSecret(operator, identification, "create id=" + created.secret().id()
          + " expires=" + created.secret().expiresAt() + " maxUses="
          + (request.maxUses().isPresent() ? Integer.toString(request.maxUses().getAsInt()) : "unlimited")
          + subject.map(s -> " subject=" + s).orElse("")
          + created.replaced().map(r -> " replaces=" + r).orElse("")));
      return new Created(created.secret(), secret, created.replaced().isPresent());
    } catch (RuntimeException e) {
      Arrays.fill(secret, '\0');
      throw e;
    } finally {
      if (utf8 != null) {
        Arrays.fill(utf8, (byte) 0);
      }
    }
  }

  /** @return false when the identification has no active secret */
  public boolean revoke(String identification, String operator) {
    boolean revoked = store.revoke(identification, clock.instant());
    if (revoked) {
      audit.append(new AuditEvent.ConfigSharedSecret(operator, identification, "revoke"));
    }
    return revoked;
  }

  public List<SharedSecretRecord> list() {
    return store.all();
  }

  private char[] generate() {
    byte[] bytes = random.generateRandom(GENERATED_CHARS);
    char[] out = new char[GENERATED_CHARS];
    for (int i = 0; i < out.length; i++) {
      // 256 is a multiple of 32: the low five bits of a uniform byte are uniform.
      out[i] = ALPHABET[bytes[i] & 0x1f];
    }
    Arrays.fill(bytes, (byte) 0);
    return out;
  }

  /** UTF-8 without an intermediate String, so the secret's copies can all be cleared. */
  private static byte[] utf8(char[] chars) {
    java.nio.ByteBuffer encoded;
    try {
      encoded = UTF_8.newEncoder().encode(java.nio.CharBuffer.wrap(chars));
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException("the shared secret is not valid Unicode text");
    }
    byte[] out = new byte[encoded.remaining()];
    encoded.get(out);
    Arrays.fill(encoded.array(), (byte) 0);
    return out;
  }
}
