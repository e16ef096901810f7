package org.p11ca.ca.repository;

import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Recognizes "that key already exists" across the databases we target. */
final class SqlErrors {

  private SqlErrors() {
  }

  static boolean isUniqueViolation(SQLException e) {
    if (e instanceof SQLiteException s) {
      SQLiteErrorCode code = s.getResultCode();
      return code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE || code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY;
    }
    // SQLSTATE 23505 unique_violation (PostgreSQL, H2, and the SQL standard's integrity constraint class).
    return "23505".equals(e.getSQLState());
  }
}
