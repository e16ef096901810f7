package org.p11ca.hsm;

/** What a slot reports about itself and its token. */
public record TokenInfo(
    long slotId,
    boolean tokenPresent,
    String label,
    String manufacturer,
    String model,
    String serialNumber,
    boolean initialized,
    boolean loginRequired,
    long maxSessionCount) {
}
