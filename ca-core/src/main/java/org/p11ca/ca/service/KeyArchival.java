package org.p11ca.ca.service;

import java.util.Objects;
import org.p11ca.ca.kra.KeyArchiver;
import org.p11ca.ca.repository.ArchivedKeyStore;

/** What the CA needs to archive subscribers' keys (RFC 4211 section 6.4): the token side and the store. */
public record KeyArchival(KeyArchiver archiver, ArchivedKeyStore store) {
  public KeyArchival {
    Objects.requireNonNull(archiver);
    Objects.requireNonNull(store);
  }
}
