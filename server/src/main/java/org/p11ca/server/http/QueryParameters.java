package org.p11ca.server.http;

import java.util.Optional;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * A request's query parameters, read once so a malformed query string is a 400 the handler sends rather than an
 * exception: Jetty decodes the query only when asked, and a stray {@code %} (not followed by two hex digits) makes
 * it throw.
 */
final class QueryParameters {

  static final String MALFORMED = "the query string is not valid URL encoding (RFC 3986 section 2.1: '%' must be"
      + " followed by two hex digits)";

  private QueryParameters() {
  }

  /** The parameters, or empty when the query string does not decode. */
  static Optional<Fields> read(Request request) {
    try {
      return Optional.of(Request.extractQueryParameters(request));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The stripped, non-blank value of {@code name}. */
  static Optional<String> value(Fields query, String name) {
    return Optional.ofNullable(query.getValue(name)).map(String::strip).filter(s -> !s.isEmpty());
  }
}
