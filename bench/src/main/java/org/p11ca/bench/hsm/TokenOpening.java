package org.p11ca.bench.hsm;

import org.p11ca.hsm.Backend;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.pkcs11.Pkcs11Library;

/**
 * Opening and closing a Token: slot look-up, mechanism list, C_OpenSession, C_Login, C_CloseSession. It backs the
 * design rule that a Token is opened once and shared, never per request. It runs on a token of its own that nothing
 * else has open: PKCS#11 login state is per application and slot, so while any other session on the slot stayed
 * open the token would stay logged in and C_Login would return at once (CKR_USER_ALREADY_LOGGED_IN).
 */
final class TokenOpening {

  static final String NAME = "open-close-token";
  static final Backend BACKEND = Backend.IAIK;

  private final BenchToken loginOnlyToken;

  TokenOpening(BenchToken loginOnlyToken) {
    this.loginOnlyToken = loginOnlyToken;
  }

  HsmOperation operation() {
    return new HsmOperation(NAME, () -> {
      try (Token token = Pkcs11Library.open(loginOnlyToken.config(BACKEND, 1))) {
        if (!token.info().label().equals(loginOnlyToken.label())) {
          throw new HsmOperation.WrongResult("opened token '" + token.info().label() + "', not '"
              + loginOnlyToken.label() + "'");
        }
      }
    }, () -> Pkcs11Library.open(loginOnlyToken.config(BACKEND, 1)).close());
  }

  /**
   * Whether closing the last Token logged the token out, so that every timed open did a real C_Login: a wrong PIN
   * is then refused. Run after timing, never before: a refused open leaves its session behind (the pool of a Token
   * whose constructor failed is never closed), which would keep the token logged in from then on.
   */
  boolean eachOpenLoggedIn() {
    try (Token unexpected = Pkcs11Library.open(loginOnlyToken.configWithWrongPin(BACKEND))) {
      return false;
    } catch (HsmException e) {
      if (e.reason() == HsmException.Reason.PIN_INCORRECT) {
        return true;
      }
      throw e;
    }
  }
}
