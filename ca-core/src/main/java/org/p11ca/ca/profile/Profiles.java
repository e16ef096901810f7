package org.p11ca.ca.profile;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The CA's validated profiles, by id. Immutable. */
public final class Profiles {

  private final Map<String, Profile> byId;

  /** @throws IllegalArgumentException when two profiles share an id */
  public Profiles(List<Profile> profiles) {
    Map<String, Profile> map = new LinkedHashMap<>();
    for (Profile p : profiles) {
      if (map.putIfAbsent(p.id(), p) != null) {
        throw new IllegalArgumentException("two profiles have the id '" + p.id() + "'");
      }
    }
    this.byId = java.util.Collections.unmodifiableMap(map);
  }

  /**
   * Every profile, with the server's default locations for those it does not name
   * ({@link Profile#withDefaultLocations}).
   */
  public Profiles withDefaultLocations(CertificateLocations defaults) {
    return new Profiles(all().stream().map(p -> p.withDefaultLocations(defaults)).toList());
  }

  public Optional<Profile> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public Collection<Profile> all() {
    return byId.values();
  }

  public int size() {
    return byId.size();
  }
}
