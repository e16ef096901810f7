package org.p11ca.bench.cmc;

import java.util.Locale;

/** Where the subscriber key of each bench request comes from ({@code --subscriber-keys}). */
enum SubscriberKeys {
  /** One key per identity, certified again and again (same-key renewal): the CA sees each key thousands of times. */
  RENEWED,
  /** A key no earlier request had ({@link FreshRsaKeys}), as the CA sees from real subscribers. */
  FRESH;

  static SubscriberKeys parse(String value) {
    for (SubscriberKeys k : values()) {
      if (k.optionName().equals(value)) {
        return k;
      }
    }
    throw new IllegalArgumentException("--subscriber-keys takes renewed or fresh, not '" + value + "'");
  }

  String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
