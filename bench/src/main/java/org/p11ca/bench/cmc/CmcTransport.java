package org.p11ca.bench.cmc;

import java.io.IOException;
import java.util.Optional;
import javax.net.ssl.SSLSocketFactory;
import org.p11ca.ca.service.Caller;
import org.p11ca.ca.service.CmcEndpoint;
import org.p11ca.ca.service.CmcReply;
import org.p11ca.ca.service.CmcService;
import org.p11ca.ca.service.CmcSubmission;

/** How a load-generator worker reaches the CA: one connection per worker, opened before the timed phase. */
interface CmcTransport {

  String name();

  Connection connect() throws IOException;

  /**
   * Whether the CA runs in the load generator's own JVM: its CPU is then this process's, and the load generator's
   * own share (taking a pre-signed request, keeping the answer) cannot be told apart from it.
   */
  default boolean caInThisProcess() {
    return false;
  }

  /** One worker's connection; used by that worker only. */
  interface Connection extends AutoCloseable {
    /** @return the DER of the CMC response; an IOException for anything else (HTTP error, broken connection) */
    byte[] submit(byte[] request) throws IOException;

    @Override
    void close();
  }

  /** The real server over HTTPS, one kept-alive TLS connection per worker. */
  record Https(int port, SSLSocketFactory tls) implements CmcTransport {

    @Override
    public String name() {
      return "https";
    }

    @Override
    public Connection connect() throws IOException {
      KeepAliveHttps http = KeepAliveHttps.open(tls, port, CmcEndpoint.USER_SIGNED_FULL.path());
      return new Connection() {
        @Override
        public byte[] submit(byte[] request) throws IOException {
          KeepAliveHttps.Answer answer = http.post(request);
          if (answer.status() != 200) {
            throw new IOException("HTTP " + answer.status() + ": "
                + new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8).lines().findFirst().orElse(""));
          }
          if (answer.serverCloses()) {
            throw new IOException("the server closed a kept-alive connection (Connection: close)");
          }
          return answer.body();
        }

        @Override
        public void close() {
          http.close();
        }
      };
    }
  }

  /** The CA facade called directly in this process: what issuance costs without HTTP and TLS. */
  record InProcess(CmcService service) implements CmcTransport {

    @Override
    public String name() {
      return "in-process";
    }

    @Override
    public boolean caInThisProcess() {
      return true;
    }

    @Override
    public Connection connect() {
      return new Connection() {
        @Override
        public byte[] submit(byte[] request) throws IOException {
          CmcReply reply = service.handle(new CmcSubmission(CmcEndpoint.USER_SIGNED_FULL, Optional.empty(),
              request, Caller.local()));
          if (reply instanceof CmcReply.Response r) {
            return r.der();
          }
          throw new IOException("no CMC response: " + reply);
        }

        @Override
        public void close() {
        }
      };
    }
  }
}
