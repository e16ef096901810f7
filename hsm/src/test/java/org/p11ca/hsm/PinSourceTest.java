package org.p11ca.hsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinSourceTest {

  @TempDir
  Path dir;

  @Test
  void file_readsFirstLineWithoutItsLineEnding() throws Exception {
    Path f = dir.resolve("user.pin");
    Files.writeString(f, "s3cr\u00e9t-PIN\r\nsecond line ignored\n");
    assertArrayEquals("s3cr\u00e9t-PIN".toCharArray(), PinSource.file(f).read());
  }

  @Test
  void file_withoutTrailingNewline() throws Exception {
    Path f = dir.resolve("user.pin");
    Files.writeString(f, "1234");
    assertArrayEquals("1234".toCharArray(), PinSource.file(f).read());
  }

  @Test
  void file_missingNamesTheFileNotTheContent() {
    Path f = dir.resolve("absent.pin");
    HsmException e = assertThrows(HsmException.class, () -> PinSource.file(f).read());
    assertEquals(HsmException.Reason.PIN_UNAVAILABLE, e.reason());
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
  }

  @Test
  void file_emptyIsRefused() throws Exception {
    Path f = dir.resolve("empty.pin");
    Files.writeString(f, "\n");
    HsmException e = assertThrows(HsmException.class, () -> PinSource.file(f).read());
    assertEquals(HsmException.Reason.PIN_UNAVAILABLE, e.reason());
  }

  @Test
  void environment_unsetVariableIsNamed() {
    HsmException e = assertThrows(HsmException.class,
        () -> PinSource.environment("P11CA_TEST_UNSET_VARIABLE_4711").read());
    assertEquals(HsmException.Reason.PIN_UNAVAILABLE, e.reason());
    assertTrue(e.getMessage().contains("P11CA_TEST_UNSET_VARIABLE_4711"));
  }

  @Test
  void prompt_withoutTerminalSaysSo() {
    // Tests run without a console, like CI and scripts: the prompt must fail clearly, not block.
    if (System.console() == null) {
      HsmException e = assertThrows(HsmException.class, () -> PinSource.prompt("PIN: ").read());
      assertEquals(HsmException.Reason.PIN_UNAVAILABLE, e.reason());
    } else {
      assertEquals("terminal prompt", PinSource.prompt("PIN: ").describe());
    }
  }

  @Test
  void inMemory_returnsCopiesAndHidesValueInToString() {
    char[] pin = "9876".toCharArray();
    PinSource source = PinSource.ofValue(pin);
    pin[0] = 'x';
    char[] first = source.read();
    first[1] = 'y';
    assertArrayEquals("9876".toCharArray(), source.read());
    assertFalse(source.toString().contains("9876"));
  }
}
