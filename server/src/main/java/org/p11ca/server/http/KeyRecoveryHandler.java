package org.p11ca.server.http;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.kra.KeyRecovery;
import org.p11ca.ca.kra.KraAgentAuthentication;
import org.p11ca.ca.kra.RecoveryApprovals;
import org.p11ca.ca.repository.Agent;

/**
 * {@code POST} on one key recovery endpoint, for KRA agents only, who authenticate with their TLS client
 * certificate (checked as a CMC signer's is, then looked up as an agent). The decisions are the core's
 * ({@link KeyRecovery}); this maps its refusals to HTTP, each a single text/plain line: BAD_IDENTITY 403,
 * BAD_CERT_ID (unknown serial or recovery) 404, BAD_REQUEST (not approved yet, released already, approved twice,
 * cancelled, expired) 409. A bad query or body is 400.
 *
 * <pre>
 * POST /kra/agent/kra/recovery/request?serial=HEX   -> "recoveryId N"
 * POST /kra/agent/kra/recovery/approve?id=N         -> "recoveryId N: K of M approvals"
 * POST /kra/agent/kra/recovery/release?id=N         body: the PKCS#12 password (text/plain, first line)
 *                                                   -> application/x-pkcs12
 * POST /kra/agent/kra/recovery/cancel?id=N          -> "recoveryId N cancelled"
 * </pre>
 *
 * The password is read into a char array, never a String, and wiped once the PKCS#12 is made; it is in no log or
 * message. Blocking by design: the release unwraps on the token.
 */
public final class KeyRecoveryHandler extends Handler.Abstract {

  public static final String PKCS12_MEDIA_TYPE = "application/x-pkcs12";

  private static final System.Logger LOG = System.getLogger(KeyRecoveryHandler.class.getName());

  /** The endpoints, by their operation. */
  public enum Operation {
    REQUEST("/kra/agent/kra/recovery/request"),
    APPROVE("/kra/agent/kra/recovery/approve"),
    RELEASE("/kra/agent/kra/recovery/release"),
    CANCEL("/kra/agent/kra/recovery/cancel");

    private final String path;

    Operation(String path) {
      this.path = path;
    }

    public String path() {
      return path;
    }
  }

  /** What the endpoints need from the CA: the recovery, the agent check, and the CA chain for the PKCS#12. */
  public record Kra(KeyRecovery recovery, KraAgentAuthentication agents, List<X509Certificate> caChain) {
    public Kra {
      Objects.requireNonNull(recovery);
      Objects.requireNonNull(agents);
      caChain = List.copyOf(caChain);
    }
  }

  private final Operation operation;
  private final Kra kra;
  private final int maxBodyBytes;

  public KeyRecoveryHandler(Operation operation, Kra kra, long maxBodyBytes) {
    this.operation = Objects.requireNonNull(operation);
    this.kra = Objects.requireNonNull(kra);
    this.maxBodyBytes = (int) Math.min(Integer.MAX_VALUE - 1, maxBodyBytes);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!HttpMethod.POST.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, HttpMethod.POST.asString());
      HttpAnswer.reason(request, response, callback, 405, request.getMethod() + " is not allowed on "
          + operation.path() + ": POST");
      return true;
    }
    Optional<X509Certificate> tls = Peers.clientCertificate(request);
    if (tls.isEmpty()) {
      HttpAnswer.reason(request, response, callback, 403, operation.path() + " requires a KRA agent's TLS client"
          + " certificate and the connection presented none");
      return true;
    }
    if (QueryParameters.read(request).isEmpty()) {
      HttpAnswer.reason(request, response, callback, 400, QueryParameters.MALFORMED);
      return true;
    }
    try {
      Agent agent = kra.agents().authenticate(tls.get(), KraAgentAuthentication.TLS_CLIENT_CERTIFICATE);
      switch (operation) {
        case REQUEST -> request(request, response, callback, agent);
        case APPROVE -> approve(request, response, callback, agent);
        case RELEASE -> release(request, response, callback, agent);
        case CANCEL -> cancel(request, response, callback, agent);
        default -> throw new IllegalStateException("unknown operation " + operation);
      }
    } catch (CaException e) {
      refuse(request, response, callback, e);
    }
    return true;
  }

  private void request(Request request, Response response, Callback callback, Agent agent) {
    Optional<BigInteger> serial = parameter(request, "serial").flatMap(KeyRecoveryHandler::hex);
    if (serial.isEmpty()) {
      HttpAnswer.reason(request, response, callback, 400, operation.path() + " needs ?serial=HEX, the serial"
          + " number of the certificate whose key to recover");
      return;
    }
    long id = kra.recovery().request(serial.get(), agent);
    HttpAnswer.reason(request, response, callback, 200, "recoveryId " + id);
  }

  private void approve(Request request, Response response, Callback callback, Agent agent) {
    Optional<Long> id = recoveryId(request);
    if (id.isEmpty()) {
      HttpAnswer.reason(request, response, callback, 400, operation.path() + " needs ?id=N, a recovery id");
      return;
    }
    RecoveryApprovals approvals = kra.recovery().approve(id.get(), agent);
    HttpAnswer.reason(request, response, callback, 200, "recoveryId " + id.get() + ": " + approvals.approvals()
        + " of " + approvals.required() + " approvals" + (approvals.complete() ? ", ready for release" : ""));
  }

  private void cancel(Request request, Response response, Callback callback, Agent agent) {
    Optional<Long> id = recoveryId(request);
    if (id.isEmpty()) {
      HttpAnswer.reason(request, response, callback, 400, operation.path() + " needs ?id=N, a recovery id");
      return;
    }
    kra.recovery().cancel(id.get(), agent);
    HttpAnswer.reason(request, response, callback, 200, "recoveryId " + id.get() + " cancelled");
  }

  private void release(Request request, Response response, Callback callback, Agent agent) throws Exception {
    Optional<Long> id = recoveryId(request);
    if (id.isEmpty()) {
      HttpAnswer.reason(request, response, callback, 400, operation.path() + " needs ?id=N, a recovery id");
      return;
    }
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (contentType != null && !contentType.toLowerCase(Locale.ROOT).startsWith("text/plain")) {
      HttpAnswer.reason(request, response, callback, 415, "send the PKCS#12 password as text/plain, not "
          + contentType);
      return;
    }
    byte[] body;
    try {
      // One byte over the limit, so that the SizeLimitHandler in front (which answers 413) is what trips first.
      body = Content.Source.asByteArrayAsync(request, maxBodyBytes + 1).get();
    } catch (ExecutionException e) {
      int status = e.getCause() instanceof HttpException http ? http.getCode() : 400;
      HttpAnswer.reason(request, response, callback, status, status == 413
          ? "the request body exceeds " + maxBodyBytes + " bytes" : "the request body could not be read");
      return;
    }
    char[] password = firstLine(body);
    try {
      if (password == null || password.length == 0) {
        HttpAnswer.reason(request, response, callback, 400, "POST the PKCS#12 password as the body's first line"
            + " (UTF-8 text)");
        return;
      }
      try {
        KeyRecovery.requireUsablePassword(password);
      } catch (CaException weak) {
        HttpAnswer.reason(request, response, callback, 400, weak.detail());
        return;
      }
      byte[] pkcs12 = kra.recovery().release(id.get(), agent, password, kra.caChain());
      // Key material: no cache may keep it.
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      HttpAnswer.send(request, response, callback, 200, PKCS12_MEDIA_TYPE, pkcs12);
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
  }

  private void refuse(Request request, Response response, Callback callback, CaException e) {
    int status = switch (e.failInfo()) {
      case BAD_IDENTITY -> 403;
      case BAD_CERT_ID -> 404;
      case BAD_REQUEST -> 409;
      default -> 500;
    };
    if (status == 500) {
      LOG.log(System.Logger.Level.ERROR, operation.path() + " failed: " + e.detail(), e);
    }
    HttpAnswer.reason(request, response, callback, status, e.detail());
  }

  /** The body's first line, decoded as UTF-8 straight into a char array; the body bytes are wiped. */
  private static char[] firstLine(byte[] body) {
    CharBuffer chars = null;
    try {
      chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
      int end = 0;
      while (end < chars.limit() && chars.get(end) != '\n' && chars.get(end) != '\r') {
        end++;
      }
      char[] line = new char[end];
      chars.get(line, 0, end);
      return line;
    } catch (CharacterCodingException e) {
      return null;
    } finally {
      Arrays.fill(body, (byte) 0);
      if (chars != null && chars.hasArray()) {
        Arrays.fill(chars.array(), '\0');
      }
    }
  }

  private Optional<Long> recoveryId(Request request) {
    try {
      return parameter(request, "id").map(Long::parseLong).filter(n -> n > 0);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> parameter(Request request, String name) {
    return QueryParameters.read(request).flatMap(query -> QueryParameters.value(query, name));
  }

  private static Optional<BigInteger> hex(String text) {
    String digits = text.regionMatches(true, 0, "0x", 0, 2) ? text.substring(2) : text;
    if (!digits.matches("[0-9a-fA-F]{1,40}")) {
      return Optional.empty();
    }
    return Optional.of(new BigInteger(digits, 16));
  }
}
