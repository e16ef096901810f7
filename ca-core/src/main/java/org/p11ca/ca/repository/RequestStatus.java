package org.p11ca.ca.repository;

/** A certificate request's state, as Dogtag's request queue names them. */
public enum RequestStatus {
  PENDING,
  APPROVED,
  COMPLETE,
  REJECTED,
  CANCELED
}
