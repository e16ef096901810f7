package org.p11ca.ca.repository;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps each physical connection's prepared statements for the next unit of work that asks for the same SQL.
 *
 * <p>Neither sqlite-jdbc nor HikariCP caches statements, and SQLite compiles every statement it is handed: about
 * 15 us of CPU for one of the repository's short SELECTs, twice the time it takes to run it (measured with
 * sqlite-jdbc 3.50 on a 20,000-row table). A user-signed issuance runs eleven (six reads: the signer's certificate
 * twice, its agent role, the key history; five writes), and compiling them again each time was about a tenth of
 * the CA's CPU per issuance besides the signatures (bench cmc --transport in-process, README).
 *
 * <p>{@link #lease} gives a view of a pooled connection whose {@code prepareStatement(sql)} hands out the physical
 * connection's compiled statement, behind a handle whose {@code close()} resets it (closes its open result set,
 * clears its parameters) and keeps it. Statements are prepared on the physical connection, not through the pool's
 * proxy, which would close them when the connection goes back to the pool. A connection is used by one thread at
 * a time (the pool leases it), so a cached statement never serves two units of work at once. The statements die
 * with their connection (the driver finalizes them when it closes), and a closed connection's entry is dropped
 * when the pool hands out a new one. Every SQL string in the repository is a constant, and each connection keeps at most
 * {@link #PER_CONNECTION} of them, least recently used out first, so the cache stays small either way.
 */
final class PreparedStatementCache {

  static final int PER_CONNECTION = 128;

  private final Class<? extends Connection> physicalType;
  /** Guarded by itself. Keyed by identity: one entry per physical connection the pool has handed out. */
  private final Map<Connection, Map<String, PreparedStatement>> byConnection = new IdentityHashMap<>();

  /** @param physicalType the driver's connection class, which the pool's connections unwrap to */
  PreparedStatementCache(Class<? extends Connection> physicalType) {
    this.physicalType = physicalType;
  }

  /**
   * One lease of a pooled connection: {@link Lease#connection()} reuses statements (everything but
   * {@code prepareStatement(String)} goes to {@code pooled}), and closing the lease resets every statement it handed
   * out that its user left open, as the pool would have closed them.
   */
  Lease lease(Connection pooled) throws SQLException {
    Connection physical = pooled.unwrap(physicalType);
    Map<String, PreparedStatement> statements;
    synchronized (byConnection) {
      statements = byConnection.get(physical);
      if (statements == null) {
        // A connection the pool has not handed out before (a new one, or one replacing a retired one): forget the
        // connections the pool has closed since, whose statements closed with them.
        byConnection.keySet().removeIf(PreparedStatementCache::isClosed);
        statements = lruMap();
        byConnection.put(physical, statements);
      }
    }
    return new Lease(pooled, physical, statements);
  }

  /** See {@link #lease}; used by one thread, like the connection it wraps. */
  static final class Lease implements AutoCloseable {
    private final Connection connection;
    private final List<ReusedStatement> handedOut = new ArrayList<>();

    private Lease(Connection pooled, Connection physical, Map<String, PreparedStatement> statements) {
      this.connection = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
          new Class<?>[] {Connection.class}, new CachingConnection(pooled, physical, statements, handedOut));
    }

    Connection connection() {
      return connection;
    }

    @Override
    public void close() throws SQLException {
      for (ReusedStatement s : handedOut) {
        s.reset();
      }
      handedOut.clear();
    }
  }

  /** For tests: the statements kept for {@code pooled}'s physical connection. */
  int cachedFor(Connection pooled) throws SQLException {
    synchronized (byConnection) {
      Map<String, PreparedStatement> statements = byConnection.get(pooled.unwrap(physicalType));
      return statements == null ? 0 : statements.size();
    }
  }

  /** For tests: the physical connections statements are kept for. */
  int connections() {
    synchronized (byConnection) {
      return byConnection.size();
    }
  }

  private static boolean isClosed(Connection c) {
    try {
      return c.isClosed();
    } catch (SQLException e) {
      return true;
    }
  }

  private static Map<String, PreparedStatement> lruMap() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
        if (size() <= PER_CONNECTION) {
          return false;
        }
        try {
          eldest.getValue().close();
        } catch (SQLException e) {
          // Closing only frees the compiled statement; the connection closes it at the latest.
        }
        return true;
      }
    };
  }

  private static final class CachingConnection implements InvocationHandler {
    private final Connection pooled;
    private final Connection physical;
    private final Map<String, PreparedStatement> statements;
    private final List<ReusedStatement> handedOut;

    CachingConnection(Connection pooled, Connection physical, Map<String, PreparedStatement> statements,
        List<ReusedStatement> handedOut) {
      this.pooled = pooled;
      this.physical = physical;
      this.statements = statements;
      this.handedOut = handedOut;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getName().equals("prepareStatement") && args != null && args.length == 1) {
        String sql = (String) args[0];
        PreparedStatement cached = statements.get(sql);
        boolean inUse = cached != null && handedOut.stream().anyMatch(h -> h.holds(cached));
        ReusedStatement handle;
        if (inUse) {
          // The same SQL again while its statement is still open in this lease (a query inside its own result
          // loop): a statement of its own, closed with its handle.
          handle = new ReusedStatement(physical.prepareStatement(sql), true);
        } else {
          PreparedStatement statement = cached;
          if (statement == null || statement.isClosed()) {
            statement = physical.prepareStatement(sql);
            statements.put(sql, statement);
          }
          handle = new ReusedStatement(statement, false);
        }
        handedOut.add(handle);
        return handle.proxy();
      }
      switch (method.getName()) {
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        case "toString" -> {
          return "statement-reusing " + pooled;
        }
        default -> {
        }
      }
      try {
        return method.invoke(pooled, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }

  /** A unit of work's handle on a cached statement: closing it readies the statement for the next one. */
  private static final class ReusedStatement implements InvocationHandler {
    private final PreparedStatement statement;
    private final boolean oneOff;
    private ResultSet lastQuery;
    private boolean closed;

    ReusedStatement(PreparedStatement statement, boolean oneOff) {
      this.statement = statement;
      this.oneOff = oneOff;
    }

    boolean holds(PreparedStatement s) {
      return !closed && statement == s;
    }

    PreparedStatement proxy() {
      return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
          new Class<?>[] {PreparedStatement.class}, this);
    }

    /** Readies the statement for its next user; idempotent. */
    void reset() throws SQLException {
      if (closed) {
        return;
      }
      closed = true;
      // A result set left open keeps SQLite's statement mid-step, holding its read snapshot; closing it resets the
      // statement. A statement whose execution failed was closed by the driver: the cache prepares it again.
      if (oneOff) {
        statement.close();
        return;
      }
      if (lastQuery != null && !lastQuery.isClosed()) {
        lastQuery.close();
      }
      if (!statement.isClosed()) {
        statement.clearParameters();
      }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "close" -> {
          reset();
          return null;
        }
        case "isClosed" -> {
          return closed || statement.isClosed();
        }
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        default -> {
        }
      }
      if (closed) {
        throw new SQLException("statement is closed");
      }
      Object result;
      try {
        result = method.invoke(statement, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (result instanceof ResultSet rs) {
        lastQuery = rs;
      }
      return result;
    }
  }
}
