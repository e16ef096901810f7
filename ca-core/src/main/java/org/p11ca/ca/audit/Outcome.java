package org.p11ca.ca.audit;

/** The Outcome field of an audit event, spelled as Dogtag logs it. */
public enum Outcome {
  SUCCESS("Success"),
  FAILURE("Failure");

  private final String text;

  Outcome(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }
}
