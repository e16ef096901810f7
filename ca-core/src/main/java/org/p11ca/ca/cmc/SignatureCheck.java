package org.p11ca.ca.cmc;

import java.util.Objects;

/** The outcome of checking a CMS signature: valid, or invalid with a reason a person can act on. */
public sealed interface SignatureCheck {

  boolean isValid();

  record Valid() implements SignatureCheck {
    @Override
    public boolean isValid() {
      return true;
    }
  }

  record Invalid(String reason) implements SignatureCheck {
    public Invalid {
      Objects.requireNonNull(reason);
    }

    @Override
    public boolean isValid() {
      return false;
    }
  }
}
