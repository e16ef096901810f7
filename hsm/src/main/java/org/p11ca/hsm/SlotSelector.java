package org.p11ca.hsm;

/** How a token is picked among the slots of a PKCS#11 library. */
public sealed interface SlotSelector {

  record ById(long slotId) implements SlotSelector {
    @Override
    public String toString() {
      return "slot id " + slotId;
    }
  }

  record ByTokenLabel(String label) implements SlotSelector {
    @Override
    public String toString() {
      return "token label '" + label + "'";
    }
  }

  static SlotSelector id(long slotId) {
    return new ById(slotId);
  }

  static SlotSelector tokenLabel(String label) {
    return new ByTokenLabel(label);
  }
}
