package org.p11ca.server;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What the composition root has opened so far, closed in reverse order: on a failed start, so that a half-built CA
 * leaves no token session or database connection behind, and on shutdown. One failing close does not stop the
 * others; the first failure is rethrown with the rest suppressed.
 */
final class OpenedResources implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(OpenedResources.class.getName());

  private record Named(String name, AutoCloseable resource) {
  }

  private final Deque<Named> opened = new ArrayDeque<>();

  <T extends AutoCloseable> T add(String name, T resource) {
    opened.push(new Named(name, resource));
    return resource;
  }

  @Override
  public void close() {
    RuntimeException first = null;
    while (!opened.isEmpty()) {
      Named n = opened.pop();
      try {
        n.resource().close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.ERROR, "closing the " + n.name() + " failed: " + e, e);
        RuntimeException wrapped = e instanceof RuntimeException r ? r
            : new IllegalStateException("closing the " + n.name() + " failed: " + e.getMessage(), e);
        if (first == null) {
          first = wrapped;
        } else {
          first.addSuppressed(wrapped);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
