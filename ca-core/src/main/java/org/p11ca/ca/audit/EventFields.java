package org.p11ca.ca.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds an event's ordered field list; absent optional fields are left out, as Dogtag does. */
final class EventFields {
  private final List<AuditField> list = new ArrayList<>();

  EventFields add(String name, String value) {
    list.add(new AuditField(name, value));
    return this;
  }

  EventFields add(String name, Optional<String> value) {
    value.ifPresent(v -> list.add(new AuditField(name, v)));
    return this;
  }

  EventFields outcome(Outcome outcome) {
    return add("Outcome", outcome.text());
  }

  List<AuditField> list() {
    return List.copyOf(list);
  }
}
