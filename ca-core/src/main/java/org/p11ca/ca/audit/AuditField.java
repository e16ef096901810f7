package org.p11ca.ca.audit;

import java.util.Objects;

/** One {@code [Name=value]} pair of an event's text; only {@link AuditEvent} records make them. */
public record AuditField(String name, String value) {
  public AuditField {
    Objects.requireNonNull(name);
    Objects.requireNonNull(value);
  }
}
