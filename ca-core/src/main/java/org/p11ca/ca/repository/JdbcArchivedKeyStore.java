package org.p11ca.ca.repository;

import java.io.IOException;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.kra.ArchivedKey;
import org.p11ca.hsm.WrapMechanism;
import org.p11ca.hsm.WrappedKey;

/** {@link ArchivedKeyStore} on the {@code archived_key} table. */
public final class JdbcArchivedKeyStore implements ArchivedKeyStore {

  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder UNB64 = Base64.getDecoder();

  private final CaDatabase db;
  private final Clock clock;

  public JdbcArchivedKeyStore(CaDatabase db, Clock clock) {
    this.db = Objects.requireNonNull(db);
    this.clock = Objects.requireNonNull(clock);
  }

  @Override
  public void save(long requestId, ArchivedKey key) {
    db.write("recording the archived key of request " + requestId, c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO archived_key (request_id, serial_hex,"
          + " public_key_b64, wrap_mechanism, wrap_iv_b64, wrapped_b64, storage_key, archived_at)"
          + " VALUES (?, NULL, ?, ?, ?, ?, ?, ?)")) {
        ps.setLong(1, requestId);
        ps.setString(2, B64.encodeToString(encoded(key.publicKey())));
        WrapMechanism m = key.wrapped().mechanism();
        ps.setString(3, mechanismName(m));
        if (m instanceof WrapMechanism.AesCbcPad cbc) {
          ps.setString(4, B64.encodeToString(cbc.iv()));
        } else {
          ps.setNull(4, Types.VARCHAR);
        }
        ps.setString(5, B64.encodeToString(key.wrapped().bytes()));
        ps.setString(6, key.storageKey());
        ps.setLong(7, clock.millis());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public void linkCertificate(long requestId, BigInteger serial) {
    db.write("linking the archived key of request " + requestId, c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE archived_key SET serial_hex = ? WHERE request_id = ?")) {
        ps.setString(1, SerialHex.of(serial));
        ps.setLong(2, requestId);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<ArchivedKey> findByRequest(long requestId) {
    return db.read("reading the archived key of request " + requestId, c -> select(c,
        "SELECT public_key_b64, wrap_mechanism, wrap_iv_b64, wrapped_b64, storage_key FROM archived_key"
            + " WHERE request_id = ?", ps -> ps.setLong(1, requestId)));
  }

  @Override
  public Optional<ArchivedKey> findBySerial(BigInteger serial) {
    if (SerialHex.lookup(serial).isEmpty()) {
      return Optional.empty();
    }
    return db.read("reading the archived key of certificate " + serial.toString(16), c -> select(c,
        "SELECT public_key_b64, wrap_mechanism, wrap_iv_b64, wrapped_b64, storage_key FROM archived_key"
            + " WHERE serial_hex = ?", ps -> ps.setString(1, SerialHex.of(serial))));
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private static Optional<ArchivedKey> select(Connection c, String sql, Binder binder) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        WrapMechanism m = mechanism(rs.getString(2), rs.getString(3));
        return Optional.of(new ArchivedKey(new WrappedKey(m, UNB64.decode(rs.getString(4))), rs.getString(5),
            SubjectPublicKeyInfo.getInstance(UNB64.decode(rs.getString(1)))));
      }
    }
  }

  private static String mechanismName(WrapMechanism m) {
    if (m instanceof WrapMechanism.AesKeyWrapPad) {
      return "AES_KEY_WRAP_PAD";
    }
    if (m instanceof WrapMechanism.AesCbcPad) {
      return "AES_CBC_PAD";
    }
    if (m instanceof WrapMechanism.AesKeyWrap) {
      return "AES_KEY_WRAP";
    }
    throw new CaException(FailInfo.INTERNAL_CA_ERROR, "a storage wrap with " + m + " cannot be recorded");
  }

  private static WrapMechanism mechanism(String name, String ivB64) {
    return switch (name) {
      case "AES_KEY_WRAP_PAD" -> new WrapMechanism.AesKeyWrapPad();
      case "AES_KEY_WRAP" -> new WrapMechanism.AesKeyWrap();
      case "AES_CBC_PAD" -> new WrapMechanism.AesCbcPad(UNB64.decode(ivB64));
      default -> throw new CaException(FailInfo.INTERNAL_CA_ERROR, "unknown storage wrap mechanism " + name);
    };
  }

  private static byte[] encoded(SubjectPublicKeyInfo key) {
    try {
      return key.getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException("re-encoding a parsed public key failed", e);
    }
  }
}
