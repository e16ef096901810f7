package org.p11ca.ca.profile;

/**
 * One field of a profile breaking one rule; {@link Profile#fromConfig} adds the file name. Package-private: callers
 * only ever see {@link InvalidProfileException}.
 */
final class FieldError extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  FieldError(String field, String rule) {
    super(field + " " + rule);
  }

  /** "validity 'P0D' must be positive". */
  static FieldError of(String field, Object value, String rule) {
    return new FieldError(field, "'" + value + "' " + rule);
  }
}
