package org.p11ca.ca.repository;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;

/** Optional-aware column access: NULL in the database is an empty Optional in the records, never a null. */
final class Jdbc {

  private Jdbc() {
  }

  static void setOptionalLong(PreparedStatement ps, int index, Optional<Long> value) throws SQLException {
    if (value.isPresent()) {
      ps.setLong(index, value.get());
    } else {
      ps.setNull(index, Types.BIGINT);
    }
  }

  static Optional<Long> optionalLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(v);
  }

  static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
    return optionalLong(rs, column).map(Instant::ofEpochMilli);
  }

  static Optional<String> optionalString(ResultSet rs, String column) throws SQLException {
    return Optional.ofNullable(rs.getString(column));
  }
}
