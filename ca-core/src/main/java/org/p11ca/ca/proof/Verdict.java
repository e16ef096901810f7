package org.p11ca.ca.proof;

import java.util.Objects;
import org.p11ca.ca.error.FailInfo;

/** The outcome of one proof check: passed, or refused with the CMC fail reason and a sentence a person can act on. */
public sealed interface Verdict {

  boolean passed();

  record Passed() implements Verdict {
    @Override
    public boolean passed() {
      return true;
    }
  }

  record Refused(FailInfo failInfo, String reason) implements Verdict {
    public Refused {
      Objects.requireNonNull(failInfo);
      Objects.requireNonNull(reason);
    }

    @Override
    public boolean passed() {
      return false;
    }
  }

  static Verdict pass() {
    return new Passed();
  }

  static Verdict refuse(FailInfo failInfo, String reason) {
    return new Refused(failInfo, reason);
  }
}
